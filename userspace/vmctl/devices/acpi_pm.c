// SPDX-License-Identifier: GPL-2.0
/*
 * devices/acpi_pm.c: the ACPI fixed hardware the FADT (tables/acpi.c)
 * points to, and the PC reset control register.
 *
 *   0x600-0x601  PM1a_STS  (ACPI 6.4 4.8.3.1.1)  write 1 to clear
 *   0x602-0x603  PM1a_EN   (4.8.3.1.2)           read/write
 *   0x604-0x605  PM1a_CNT  (4.8.3.2.1)           SCI_EN reads 1; SLP_EN
 *                                                with SLP_TYP 5 powers off
 *   0xcf9        reset control (PIIX4/ICH RC)    RST_CPU (bit 2) resets
 *
 * The machine has no fixed events: no PM timer, no fixed buttons, no RTC
 * wake, no firmware that releases the global lock.  So no status bit is
 * ever set here and the SCI is never raised; the enable bits still keep
 * what the guest writes, because ACPICA reads an enable bit back after
 * setting it and reports "Could not enable ... event" when it does not
 * stick (acpi_enable_event() in drivers/acpi/acpica/evxfevnt.c); for the
 * global lock's GBL_EN that would also make Linux drop the lock.
 *
 * The registers are decoded a byte at a time, so any access width works:
 * SLP_TYP and SLP_EN are both in PM1_CNT's high byte, so a byte write to
 * 0x605 sleeps as a word write to 0x604 does.
 *
 * Power-off (ACPI 6.4 7.4.2, 16.1.7): the guest writes SLP_TYPa from the
 * DSDT's \_S5_ package (ACPI_SLP_TYP_S5) with SLP_EN set; vmctl stops with
 * MACHINE_POWER_OFF.  Other sleep types (S1-S4) are not offered by the
 * DSDT; a guest that asks anyway is told nothing and runs on, as a PC
 * that fails to enter a sleep state does.
 *
 * Reset: 0xcf9 is the reset control register of PC chipsets (Intel
 * 82371AB PIIX4 datasheet, "RC - Reset Control Register"; the ICH's
 * RST_CNT): bit 1 selects a hard reset, bit 2 (RST_CPU) starts the reset,
 * bit 3 (ICH) a full reset.  Any byte write with bit 2 set stops vmctl
 * with MACHINE_RESET; that covers the FADT's RESET_VALUE 0x06 and Linux's
 * "reboot=pci" sequence (0x02, then 0x06).  Bits 1 and 3 read back what
 * was written, bit 2 reads 0.  Only byte accesses reach it: the same
 * ports are PCI configuration mechanism #1, whose address register at
 * 0xcf8 is 32 bits wide (ioport.c routes them).
 */
#include "vmctl.h"
#include "run.h"

/* PM1_STS (4.8.3.1.1 table 4.16) and PM1_EN (table 4.17) bits */
#define PM1_TMR			(1u << 0)
#define PM1_BM_STS		(1u << 4)
#define PM1_GBL			(1u << 5)
#define PM1_PWRBTN		(1u << 8)
#define PM1_SLPBTN		(1u << 9)
#define PM1_RTC			(1u << 10)
#define PM1_PCIEXP_WAKE		(1u << 14)
#define PM1_WAK_STS		(1u << 15)

#define PM1_EN_MASK		(PM1_TMR | PM1_GBL | PM1_PWRBTN | PM1_SLPBTN | \
				 PM1_RTC | PM1_PCIEXP_WAKE)

/* PM1_CNT (4.8.3.2.1 table 4.18) */
#define PM1_CNT_SCI_EN		(1u << 0)
#define PM1_CNT_BM_RLD		(1u << 1)
#define PM1_CNT_GBL_RLS		(1u << 2)	/* write-only, reads 0 */
#define PM1_CNT_SLP_TYP_SHIFT	10
#define PM1_CNT_SLP_TYP		(7u << PM1_CNT_SLP_TYP_SHIFT)
#define PM1_CNT_SLP_EN		(1u << 13)	/* write-only, reads 0 */
/* What the register keeps; SCI_EN is forced on when read. */
#define PM1_CNT_RW_MASK		(PM1_CNT_BM_RLD | PM1_CNT_SLP_TYP)

#define RST_CNT_SYS_RST		(1u << 1)
#define RST_CNT_RST_CPU		(1u << 2)
#define RST_CNT_FULL_RST	(1u << 3)

/* Byte @off (0-5) of the PM1a block, as the guest reads it. */
static uint8_t pm1_read_byte(const struct acpi_pm *pm, unsigned int off)
{
	unsigned int shift = (off % 2) * 8;
	uint16_t reg;

	switch (off / 2) {
	case 0:
		reg = pm->pm1_sts;
		break;
	case 1:
		reg = pm->pm1_en;
		break;
	default:
		/*
		 * SCI_EN is always 1: there is no legacy (SMM) mode to be
		 * in, and SMI_CMD is 0 in the FADT (4.8.3.2.1).
		 */
		reg = pm->pm1_cnt | PM1_CNT_SCI_EN;
		break;
	}
	return reg >> shift;
}

/* Write of byte @val to the PM1_CNT byte at @shift; the sleep request. */
static void pm1_cnt_write_byte(struct machine *mc, unsigned int shift,
			       uint8_t val)
{
	struct acpi_pm *pm = &mc->acpi_pm;
	uint16_t v = (uint16_t)val << shift;
	uint16_t mask = (uint16_t)(0xff << shift) & PM1_CNT_RW_MASK;
	unsigned int typ;

	pm->pm1_cnt = (pm->pm1_cnt & ~mask) | (v & mask);
	if (!(v & PM1_CNT_SLP_EN))
		return;
	/* SLP_EN acts on the SLP_TYP now in the register (4.8.3.2.1). */
	typ = (pm->pm1_cnt & PM1_CNT_SLP_TYP) >> PM1_CNT_SLP_TYP_SHIFT;
	if (typ == ACPI_SLP_TYP_S5) {
		machine_request_stop(mc, MACHINE_POWER_OFF);
		return;
	}
	if (!pm->warned_sleep) {
		pm->warned_sleep = true;
		pr_warn("the guest asked for sleep state SLP_TYP %u: not supported, ignored; not reported again",
			typ);
	}
}

static void pm1_write_byte(struct machine *mc, unsigned int off, uint8_t val)
{
	struct acpi_pm *pm = &mc->acpi_pm;
	unsigned int shift = (off % 2) * 8;
	uint16_t v = (uint16_t)val << shift;
	uint16_t byte_mask = (uint16_t)(0xff << shift);

	switch (off / 2) {
	case 0:
		/* Status bits are cleared by writing 1 (4.8.3.1.1). */
		pm->pm1_sts &= ~v;
		break;
	case 1:
		pm->pm1_en = (pm->pm1_en & ~byte_mask) |
			     (v & byte_mask & PM1_EN_MASK);
		break;
	default:
		pm1_cnt_write_byte(mc, shift, val);
		break;
	}
}

/*
 * An access of @size bytes at @port in the PM1a blocks (ACPI_PM1_EVT_BLK
 * to ACPI_PM1_CNT_BLK + ACPI_PM1_CNT_LEN - 1).  Bytes past the blocks
 * read all ones and ignore writes, like any port with nothing behind it.
 */
uint32_t acpi_pm_read(struct machine *mc, unsigned int port,
		      unsigned int size)
{
	uint32_t val = 0;
	unsigned int i, p;

	for (i = 0; i < size; i++) {
		uint8_t b = 0xff;

		p = port + i;
		if (p >= ACPI_PM1_EVT_BLK &&
		    p < ACPI_PM1_CNT_BLK + ACPI_PM1_CNT_LEN)
			b = pm1_read_byte(&mc->acpi_pm, p - ACPI_PM1_EVT_BLK);
		val |= (uint32_t)b << (8 * i);
	}
	return val;
}

void acpi_pm_write(struct machine *mc, unsigned int port, unsigned int size,
		   uint32_t val)
{
	unsigned int i, p;

	for (i = 0; i < size; i++) {
		p = port + i;
		if (p >= ACPI_PM1_EVT_BLK &&
		    p < ACPI_PM1_CNT_BLK + ACPI_PM1_CNT_LEN)
			pm1_write_byte(mc, p - ACPI_PM1_EVT_BLK, val >> (8 * i));
	}
}

/* The reset control register at ACPI_RESET_PORT, a byte register. */
uint8_t acpi_reset_read(struct machine *mc)
{
	return mc->acpi_pm.rst_cnt;
}

void acpi_reset_write(struct machine *mc, uint8_t val)
{
	mc->acpi_pm.rst_cnt = val & (RST_CNT_SYS_RST | RST_CNT_FULL_RST);
	if (val & RST_CNT_RST_CPU)
		machine_request_stop(mc, MACHINE_RESET);
}
