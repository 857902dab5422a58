// SPDX-License-Identifier: GPL-2.0
/*
 * devices/pci.c: PCI configuration mechanism #1 (PCI Local Bus Specification
 * 3.0, 3.2.2.3.2) with nothing on the bus.
 *
 * The address register at 0xcf8 is a 32-bit register: 32-bit accesses
 * store it and read it back, so a guest probing for the mechanism finds it
 * (Linux's pci_check_type1() writes 0x80000000 and expects it back).  Other
 * sizes at 0xcf8-0xcfb are not the address register on a PC (they reach
 * other chipset registers; a byte at 0xcf9 is the reset control, which
 * ioport.c sends to devices/acpi_pm.c instead): reads return all ones,
 * writes are ignored.
 * The data window 0xcfc-0xcff reads all ones at any size: the vendor ID
 * 0xffff that means "no device here", on every bus, device and function.
 * Writes to it are ignored.
 */
#include "vmctl.h"
#include "run.h"

#define PCI_CONFIG_ADDRESS	0xcf8

uint32_t pci_read(struct pci_cfg *p, unsigned int port, unsigned int size)
{
	if (port == PCI_CONFIG_ADDRESS && size == 4)
		return p->address;
	return 0xffffffff;
}

void pci_write(struct pci_cfg *p, unsigned int port, unsigned int size,
	       uint32_t val)
{
	if (port == PCI_CONFIG_ADDRESS && size == 4)
		p->address = val;
}
