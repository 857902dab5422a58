// SPDX-License-Identifier: GPL-2.0
/*
 * devices/pic.c: the pair of 8259A interrupt controllers (master at 0x20,
 * 0x21; slave at 0xa0, 0xa1) and the edge/level control registers (ELCR,
 * 0x4d0, 0x4d1), as a register model that never interrupts.
 *
 * Why a PIC that never raises an interrupt: all interrupt delivery in this
 * machine is the in-kernel I/O APIC's (an ISA device's IRQ n is the I/O
 * APIC's input n).  But Linux decides whether the ISA IRQs exist at all
 * by probing the PIC: probe_8259A() (arch/x86/kernel/i8259.c) masks the
 * slave, writes 0xfb to the master's IMR and reads it back.  If the value
 * does not come back it says "Using NULL legacy PIC", nr_legacy_irqs()
 * becomes 0, and under ACPI mp_config_acpi_legacy_irqs()
 * (arch/x86/kernel/acpi/boot.c) then maps no ISA IRQ to the I/O APIC: the
 * serial port's IRQ 4 would have no route.  So this model keeps what the
 * probe and init_8259A() look at and nothing more:
 *
 *   - the interrupt mask register (IMR) of each chip, read on the data
 *     port;
 *   - the initialisation sequence (8259A data sheet, "Initialization
 *     Command Words"): ICW1 on the command port (bit 4 set) clears the IMR
 *     and makes the next data-port writes ICW2, then ICW3 unless ICW1 said
 *     "single" (bit 1), then ICW4 if ICW1 asked for it (bit 0).  These are
 *     not IMR writes: init_8259A() writes 0x30, 0x04 and 0x01 there;
 *   - OCW3 (command port, bits 4:3 = 01): RR/RIS select whether the
 *     command port reads the IRR or the ISR.  Both read 0: this PIC never
 *     has a request nor one in service.  Poll mode reads 0 too ("no
 *     interrupt");
 *   - OCW2 (bits 4:3 = 00): EOIs and priority rotation, accepted and
 *     ignored, since nothing is ever in service;
 *   - the ELCR (Intel 82371AB PIIX4 data sheet, ELCR1 and ELCR2): one
 *     bit per IRQ, 1 = level-triggered, read and written by Linux's
 *     acpi_pic_sci_set_trigger() and read by print_PIC(); IRQs 0, 1, 2, 8
 *     and 13 are always edge-triggered, so their bits read 0 whatever is
 *     written.  The bits are stored only: the I/O APIC's own redirection
 *     entries decide how an input is triggered.
 */
#include <string.h>

#include "vmctl.h"
#include "run.h"

#define PIC_ICW1		0x10	/* command port: start initialisation */
#define PIC_ICW1_ICW4		0x01	/* ICW4 follows */
#define PIC_ICW1_SINGLE		0x02	/* no slave: no ICW3 */
#define PIC_OCW3		0x08	/* command port, bit 4 clear */
#define PIC_OCW3_RR		0x02	/* read register command... */
#define PIC_OCW3_RIS		0x01	/* ...of the ISR (else the IRR) */

/* The ELCR bits that exist: not IRQ 0-2, 8, 13 (see acpi/boot.c too). */
#define PIC_ELCR1_MASK		0xf8
#define PIC_ELCR2_MASK		0xde

void pic_init(struct pic *p)
{
	memset(p, 0, sizeof(*p));
	/*
	 * The data sheet leaves the IMR undefined at power-on; a PC BIOS
	 * leaves every IRQ masked, which is also what this PIC does.
	 */
	p->chip[0].imr = 0xff;
	p->chip[1].imr = 0xff;
}

static void i8259_command(struct i8259 *c, uint8_t val)
{
	if (val & PIC_ICW1) {
		c->imr = 0;
		c->read_isr = false;
		c->icw_next = 2;
		c->icw4 = val & PIC_ICW1_ICW4;
		c->single = val & PIC_ICW1_SINGLE;
		return;
	}
	if ((val & PIC_OCW3) && (val & PIC_OCW3_RR))
		c->read_isr = val & PIC_OCW3_RIS;
	/* Anything else is OCW2: an EOI with nothing in service. */
}

static void i8259_data(struct i8259 *c, uint8_t val)
{
	switch (c->icw_next) {
	case 2:
		c->vector_base = val & 0xf8;
		c->icw_next = !c->single ? 3 : c->icw4 ? 4 : 0;
		return;
	case 3:
		c->cascade = val;
		c->icw_next = c->icw4 ? 4 : 0;
		return;
	case 4:
		c->mode = val;
		c->icw_next = 0;
		return;
	}
	c->imr = val;			/* OCW1 */
}

uint8_t pic_read(struct pic *p, uint16_t port)
{
	switch (port) {
	case 0x20:
	case 0xa0:
		return 0;		/* IRR, ISR or poll: nothing pending */
	case 0x21:
		return p->chip[0].imr;
	case 0xa1:
		return p->chip[1].imr;
	case 0x4d0:
		return p->elcr[0];
	case 0x4d1:
		return p->elcr[1];
	}
	return 0xff;
}

void pic_write(struct pic *p, uint16_t port, uint8_t val)
{
	switch (port) {
	case 0x20:
		i8259_command(&p->chip[0], val);
		break;
	case 0x21:
		i8259_data(&p->chip[0], val);
		break;
	case 0xa0:
		i8259_command(&p->chip[1], val);
		break;
	case 0xa1:
		i8259_data(&p->chip[1], val);
		break;
	case 0x4d0:
		p->elcr[0] = val & PIC_ELCR1_MASK;
		break;
	case 0x4d1:
		p->elcr[1] = val & PIC_ELCR2_MASK;
		break;
	}
}
