// SPDX-License-Identifier: GPL-2.0
/*
 * devices/fw_cfg.c: QEMU's firmware configuration device, its traditional
 * I/O port interface (QEMU docs/specs/fw_cfg.txt): a 16-bit selector
 * written to port 0x510 picks an item and rewinds it, and each 8-bit read
 * of port 0x511 returns its next byte.  Past an item's end, and for an item
 * vmctl does not have, the data port reads 0, as QEMU's does.
 *
 * The items are the ones a test kernel written for QEMU reads to learn its
 * machine: the signature "QEMU", the interface ID (bit 0: the traditional
 * interface; no DMA), the RAM size (64-bit) and the CPU count (16-bit),
 * little-endian as QEMU gives them, and an empty file directory (its
 * count is big-endian, as the specification says), so a guest looking for
 * named files finds none rather than garbage.  Writes (the write channel,
 * bit 14 of the selector, long deprecated) are ignored.
 */
#include <string.h>

#include "vmctl.h"
#include "run.h"

#define FW_CFG_SIGNATURE	0x00
#define FW_CFG_ID		0x01
#define FW_CFG_RAM_SIZE		0x03
#define FW_CFG_NB_CPUS		0x05
#define FW_CFG_MAX_CPUS		0x0f
#define FW_CFG_FILE_DIR		0x19

#define FW_CFG_ID_TRADITIONAL	0x01

void fw_cfg_init(struct fw_cfg *f, uint64_t ram_size, uint16_t nr_cpus)
{
	*f = (struct fw_cfg){ .ram_size = ram_size, .nr_cpus = nr_cpus };
}

void fw_cfg_select(struct fw_cfg *f, uint16_t key)
{
	f->selector = key;
	f->offset = 0;
}

static void put_le(uint8_t *buf, uint64_t val, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		buf[i] = val >> (8 * i);
}

/* The selected item's bytes in @buf (8 bytes at least); returns its size. */
static unsigned int fw_cfg_item(const struct fw_cfg *f, uint8_t *buf)
{
	switch (f->selector) {
	case FW_CFG_SIGNATURE:
		memcpy(buf, "QEMU", 4);
		return 4;
	case FW_CFG_ID:
		put_le(buf, FW_CFG_ID_TRADITIONAL, 4);
		return 4;
	case FW_CFG_RAM_SIZE:
		put_le(buf, f->ram_size, 8);
		return 8;
	case FW_CFG_NB_CPUS:
	case FW_CFG_MAX_CPUS:
		put_le(buf, f->nr_cpus, 2);
		return 2;
	case FW_CFG_FILE_DIR:
		memset(buf, 0, 4);	/* count 0, big-endian */
		return 4;
	}
	return 0;
}

uint8_t fw_cfg_read(struct fw_cfg *f)
{
	uint8_t buf[8];
	unsigned int size = fw_cfg_item(f, buf);

	if (f->offset >= size)
		return 0;
	return buf[f->offset++];
}
