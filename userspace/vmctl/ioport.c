// SPDX-License-Identifier: GPL-2.0
/*
 * ioport.c: the machine vmctl emulates, as a map of I/O ports to devices.
 *
 *   0x020, 0x021   8259A PIC, master            devices/pic.c
 *   0x040-0x043    8254 PIT: absent, reads 0    devices/legacy.c
 *   0x060, 0x064   8042 keyboard controller     devices/i8042.c
 *   0x061          system control port B        devices/legacy.c
 *   0x070, 0x071   MC146818 RTC and CMOS RAM    devices/rtc.c
 *   0x080          POST code / I/O delay        devices/legacy.c
 *   0x0a0, 0x0a1   8259A PIC, slave             devices/pic.c
 *   0x0ed          I/O delay                    devices/legacy.c
 *   0x0f4          QEMU isa-debug-exit          devices/debug_exit.c
 *   0x3f8-0x3ff    16550 UART (COM1)            devices/uart.c
 *   0x4d0, 0x4d1   ELCR (edge/level control)    devices/pic.c
 *   0x510, 0x511   QEMU fw_cfg selector, data   devices/fw_cfg.c
 *   0x600-0x603    ACPI PM1a status, enable     devices/acpi_pm.c
 *   0x604-0x605    ACPI PM1a control            devices/acpi_pm.c
 *   0xcf8-0xcff    PCI configuration #1         devices/pci.c
 *   0xcf9 (bytes)  reset control                devices/acpi_pm.c
 *
 * Every other port, and every MMIO address (vmctl has no MMIO devices),
 * behaves as on a bus with nothing there: reads return all ones, writes
 * are ignored.  Each such port or address is reported on stderr the first
 * time the guest touches it, so a guest that expects a device vmctl lacks
 * shows why it misbehaves, without flooding the log.  The ports a stock
 * kernel touches on every boot (the I/O delay port 0x80, the absent PIT)
 * answer silently from devices/legacy.c instead (see that file for why
 * each is there and why the DMA controllers are not).
 *
 * Access sizes: an 8-bit device (the UART, and the legacy PC devices:
 * PIC, PIT, 8042, RTC) accessed 16 or 32 bits wide sees one byte access
 * per port, as an 8-bit ISA device does; a byte past the device's last
 * port reads all ones and a write to it is dropped.  The others decode the
 * size themselves.  0xcf9 is shared as on a PC: a byte access there is the
 * chipset's reset control, every other access to 0xcf8-0xcff is PCI
 * configuration (whose address register is only ever accessed 32 bits
 * wide).
 */
#include <stdbool.h>
#include <string.h>

#include "vmctl.h"
#include "run.h"

struct pio_dev {
	uint16_t base, len;
	uint32_t (*read)(struct machine *mc, uint16_t port, unsigned int size);
	void (*write)(struct machine *mc, uint16_t port, unsigned int size,
		      uint32_t val);
};

static uint32_t uart_pio_read(struct machine *mc, uint16_t port,
			      unsigned int size)
{
	uint32_t val = 0;
	unsigned int i;

	for (i = 0; i < size; i++) {
		uint16_t p = port + i;

		val |= (uint32_t)(p <= 0x3ff ? uart_read(&mc->uart, p - 0x3f8)
					     : 0xff) << (8 * i);
	}
	return val;
}

static void uart_pio_write(struct machine *mc, uint16_t port,
			   unsigned int size, uint32_t val)
{
	unsigned int i;

	for (i = 0; i < size && port + i <= 0x3ff; i++)
		uart_write(&mc->uart, port + i - 0x3f8, val >> (8 * i));
}

static uint32_t debug_exit_pio_read(struct machine *mc, uint16_t port,
				    unsigned int size)
{
	(void)mc;
	(void)port;
	(void)size;
	return 0xffffffff;
}

static void debug_exit_pio_write(struct machine *mc, uint16_t port,
				 unsigned int size, uint32_t val)
{
	(void)port;
	(void)size;
	debug_exit_write(&mc->debug_exit, val);
}

/* 0x510: the selector (write-only); 0x511: the data byte. */
static uint32_t fw_cfg_pio_read(struct machine *mc, uint16_t port,
				unsigned int size)
{
	uint32_t val = 0;
	unsigned int i;

	if (port == 0x510)
		return 0xffffffff;
	/* A wider read of the data port returns that many bytes in turn. */
	for (i = 0; i < size; i++)
		val |= (uint32_t)fw_cfg_read(&mc->fw_cfg) << (8 * i);
	return val;
}

static void fw_cfg_pio_write(struct machine *mc, uint16_t port,
			     unsigned int size, uint32_t val)
{
	if (port == 0x510 && size >= 2)
		fw_cfg_select(&mc->fw_cfg, val);
}

static uint32_t pci_pio_read(struct machine *mc, uint16_t port,
			     unsigned int size)
{
	if (port == ACPI_RESET_PORT && size == 1)
		return acpi_reset_read(mc);
	return pci_read(&mc->pci, port, size);
}

static void pci_pio_write(struct machine *mc, uint16_t port,
			  unsigned int size, uint32_t val)
{
	if (port == ACPI_RESET_PORT && size == 1)
		acpi_reset_write(mc, val);
	else
		pci_write(&mc->pci, port, size, val);
}

/*
 * The legacy PC devices are 8-bit: a wider access is one byte access per
 * port, from @port up, as long as the ports are the device's (up to
 * @last); bytes past it read all ones and writes to them are dropped.
 */
typedef uint8_t (*pio_read8_fn)(struct machine *mc, uint16_t port);
typedef void (*pio_write8_fn)(struct machine *mc, uint16_t port,
			      uint8_t val);

static uint32_t pio_read8(struct machine *mc, uint16_t port,
			  unsigned int size, uint16_t last, pio_read8_fn fn)
{
	uint32_t val = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		val |= (uint32_t)(port + i <= last ? fn(mc, port + i) : 0xff)
		       << (8 * i);
	return val;
}

static void pio_write8(struct machine *mc, uint16_t port, unsigned int size,
		       uint32_t val, uint16_t last, pio_write8_fn fn)
{
	unsigned int i;

	for (i = 0; i < size && port + i <= last; i++)
		fn(mc, port + i, val >> (8 * i));
}

/* 0x20-0x21, 0xa0-0xa1, 0x4d0-0x4d1: two ports each. */
static uint8_t pic_read8(struct machine *mc, uint16_t port)
{
	return pic_read(&mc->pic, port);
}

static void pic_write8(struct machine *mc, uint16_t port, uint8_t val)
{
	pic_write(&mc->pic, port, val);
}

static uint32_t pic_pio_read(struct machine *mc, uint16_t port,
			     unsigned int size)
{
	return pio_read8(mc, port, size, port | 1, pic_read8);
}

static void pic_pio_write(struct machine *mc, uint16_t port,
			  unsigned int size, uint32_t val)
{
	pio_write8(mc, port, size, val, port | 1, pic_write8);
}

static uint8_t rtc_read8(struct machine *mc, uint16_t port)
{
	/* The index port is write-only, as on the MC146818's PC wiring. */
	return port == 0x71 ? rtc_data_read(&mc->rtc) : 0xff;
}

static void rtc_write8(struct machine *mc, uint16_t port, uint8_t val)
{
	if (port == 0x70)
		rtc_index_write(&mc->rtc, val);
	else
		rtc_data_write(&mc->rtc, val);
}

static uint32_t rtc_pio_read(struct machine *mc, uint16_t port,
			     unsigned int size)
{
	return pio_read8(mc, port, size, 0x71, rtc_read8);
}

static void rtc_pio_write(struct machine *mc, uint16_t port,
			  unsigned int size, uint32_t val)
{
	pio_write8(mc, port, size, val, 0x71, rtc_write8);
}

/* 0x60 and 0x64: one port each, apart. */
static uint8_t i8042_read8(struct machine *mc, uint16_t port)
{
	return i8042_read(&mc->i8042, port);
}

static void i8042_write8(struct machine *mc, uint16_t port, uint8_t val)
{
	if (i8042_write(&mc->i8042, port, val))
		machine_request_stop(mc, MACHINE_RESET);
}

static uint32_t i8042_pio_read(struct machine *mc, uint16_t port,
			       unsigned int size)
{
	return pio_read8(mc, port, size, port, i8042_read8);
}

static void i8042_pio_write(struct machine *mc, uint16_t port,
			    unsigned int size, uint32_t val)
{
	pio_write8(mc, port, size, val, port, i8042_write8);
}

static uint8_t legacy_read8(struct machine *mc, uint16_t port)
{
	(void)mc;
	return legacy_read(port);
}

static void legacy_write8(struct machine *mc, uint16_t port, uint8_t val)
{
	(void)mc;
	legacy_write(port, val);
}

/* 0x40-0x43, 0x61, 0x80, 0xed. */
static uint32_t legacy_pio_read(struct machine *mc, uint16_t port,
				unsigned int size)
{
	return pio_read8(mc, port, size, port >= 0x40 && port <= 0x43 ?
			 0x43 : port, legacy_read8);
}

static void legacy_pio_write(struct machine *mc, uint16_t port,
			     unsigned int size, uint32_t val)
{
	pio_write8(mc, port, size, val, port >= 0x40 && port <= 0x43 ?
		   0x43 : port, legacy_write8);
}
static uint32_t acpi_pm_pio_read(struct machine *mc, uint16_t port,
				 unsigned int size)
{
	return acpi_pm_read(mc, port, size);
}

static void acpi_pm_pio_write(struct machine *mc, uint16_t port,
			      unsigned int size, uint32_t val)
{
	acpi_pm_write(mc, port, size, val);
}

/* One entry serves both PM1a blocks, so they must be back to back. */
_Static_assert(ACPI_PM1_CNT_BLK == ACPI_PM1_EVT_BLK + ACPI_PM1_EVT_LEN,
	       "PM1a control block follows the event block");

static const struct pio_dev pio_devs[] = {
	{ 0x020, 2, pic_pio_read, pic_pio_write },
	{ 0x040, 4, legacy_pio_read, legacy_pio_write },
	{ 0x060, 1, i8042_pio_read, i8042_pio_write },
	{ 0x061, 1, legacy_pio_read, legacy_pio_write },
	{ 0x064, 1, i8042_pio_read, i8042_pio_write },
	{ 0x070, 2, rtc_pio_read, rtc_pio_write },
	{ 0x080, 1, legacy_pio_read, legacy_pio_write },
	{ 0x0a0, 2, pic_pio_read, pic_pio_write },
	{ 0x0ed, 1, legacy_pio_read, legacy_pio_write },
	{ 0x0f4, 1, debug_exit_pio_read, debug_exit_pio_write },
	{ 0x3f8, 8, uart_pio_read, uart_pio_write },
	{ 0x4d0, 2, pic_pio_read, pic_pio_write },
	{ 0x510, 2, fw_cfg_pio_read, fw_cfg_pio_write },
	{ ACPI_PM1_EVT_BLK, ACPI_PM1_EVT_LEN + ACPI_PM1_CNT_LEN,
	  acpi_pm_pio_read, acpi_pm_pio_write },
	{ 0xcf8, 8, pci_pio_read, pci_pio_write },
};

/* The UART's interrupt output drives ISA IRQ 4, like COM1's on a PC. */
static void machine_uart_irq(void *opaque, bool level)
{
	machine_set_irq(opaque, UART_IRQ, level);
}

void machine_init(struct machine *mc, uint64_t ram_size, unsigned int cpus,
		  int out_fd)
{
	memset(mc, 0, sizeof(*mc));
	uart_init(&mc->uart, out_fd, machine_uart_irq, mc);
	fw_cfg_init(&mc->fw_cfg, ram_size, cpus);
	rtc_init(&mc->rtc, rtc_host_time, NULL);
	i8042_init(&mc->i8042);
	pic_init(&mc->pic);
}

void machine_set_irq(struct machine *mc, unsigned int gsi, bool level)
{
	if (mc->irq)
		mc->irq(mc->irq_opaque, gsi, level);
}

/*
 * The first reason given wins: a reset during power-off is still off.
 * Devices call this on the vCPU thread, the console (term.c) on its input
 * thread, hence the compare-and-exchange.
 */
void machine_request_stop(struct machine *mc, enum machine_stop why)
{
	enum machine_stop running = MACHINE_RUNNING;

	__atomic_compare_exchange_n(&mc->stop, &running, why, false,
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

static const struct pio_dev *pio_find(uint16_t port)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pio_devs); i++)
		if (port >= pio_devs[i].base &&
		    port - pio_devs[i].base < pio_devs[i].len)
			return &pio_devs[i];
	return NULL;
}

static void log_port_once(struct machine *mc, uint16_t port, bool out,
			  unsigned int size)
{
	uint8_t bit = 1u << (port % 8);

	if (mc->logged_ports[port / 8] & bit)
		return;
	mc->logged_ports[port / 8] |= bit;
	pr_warn("no device at port 0x%x (%s, %u byte%s): %s; not reported again",
		port, out ? "out" : "in", size, size > 1 ? "s" : "",
		out ? "write ignored" : "reads all ones");
}

/*
 * One port access of @size bytes (1, 2 or 4) at @port: @data holds the
 * value written (little-endian), or receives the value read.
 */
void machine_pio(struct machine *mc, uint16_t port, bool out, uint8_t *data,
		 unsigned int size)
{
	const struct pio_dev *dev = pio_find(port);
	uint32_t val = 0;

	if (!dev) {
		log_port_once(mc, port, out, size);
		if (!out)
			memset(data, 0xff, size);
		return;
	}
	if (out) {
		memcpy(&val, data, size);
		dev->write(mc, port, size, val);
	} else {
		val = dev->read(mc, port, size);
		memcpy(data, &val, size);
	}
}

void machine_mmio(struct machine *mc, uint64_t addr, bool write,
		  uint8_t *data, unsigned int len)
{
	unsigned int i;

	if (!write)
		memset(data, 0xff, len);
	for (i = 0; i < mc->nr_logged_mmio; i++)
		if (mc->logged_mmio[i] == addr)
			return;
	if (mc->nr_logged_mmio == ARRAY_SIZE(mc->logged_mmio))
		return;
	mc->logged_mmio[mc->nr_logged_mmio++] = addr;
	pr_warn("no device at MMIO address 0x%llx (%s, %u byte%s): %s; not reported again%s",
		(unsigned long long)addr, write ? "write" : "read", len,
		len > 1 ? "s" : "", write ? "write ignored" : "reads all ones",
		mc->nr_logged_mmio == ARRAY_SIZE(mc->logged_mmio) ?
		" (nor any further address)" : "");
}
