// SPDX-License-Identifier: GPL-2.0
/*
 * boot/flat.c: a flat binary (--flat ADDR), copied to ADDR and started
 * there in real mode, like a boot sector or a DOS .COM file.
 *
 * The CPU is left in its reset state (Intel SDM vol 3A 9.1.1) except for
 * the segments and RIP:
 *  - ADDR below 64 KiB: CS = 0 and IP = ADDR, so a binary linked at ADDR
 *    (".org 0x7c00", "ld -Ttext 0x7c00") finds its data with DS = 0;
 *  - otherwise, up to 1 MiB: CS = ADDR >> 4 and IP = ADDR & 0xf, so a
 *    binary linked at 0 (or at ADDR & 0xf) runs from a segment of its own.
 * DS, ES, FS, GS and SS all equal CS, and SP is 0, so the stack grows down
 * from the top of that 64 KiB segment.  Interrupts are off (no IVT).
 */
#include <errno.h>
#include <string.h>

#include "vmctl.h"
#include "run.h"

/* A real-mode segment: base = selector * 16, limit 64 KiB (SDM 20.1.1). */
static void real_seg(struct minivmm_segment *s, uint16_t sel, bool code)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->base = (uint64_t)sel << 4;
	s->limit = 0xffff;
	s->type = code ? 0xb : 0x3;
	s->present = 1;
	s->s = 1;
}

/*
 * Copy @img to @addr and set @bs to run it in real mode.  Returns 0,
 * -EINVAL when @addr is 1 MiB or more (real mode cannot reach it), or
 * -ERANGE when the image does not fit in RAM there.
 */
int load_flat(struct guest_mem *m, const struct run_file *img, uint64_t addr,
	      struct boot_state *bs)
{
	uint16_t sel = addr < 0x10000 ? 0 : addr >> 4;
	uint8_t *dst;

	if (addr >= MiB)
		return -EINVAL;
	dst = gmem_ptr(m, addr, img->size ? img->size : 1);
	if (!dst)
		return -ERANGE;
	memcpy(dst, img->data, img->size);

	memset(&bs->regs, 0, sizeof(bs->regs));
	bs->regs.rip = addr - ((uint64_t)sel << 4);
	bs->regs.rflags = 0x2;

	real_seg(&bs->sregs.cs, sel, true);
	real_seg(&bs->sregs.ds, sel, false);
	bs->sregs.es = bs->sregs.ds;
	bs->sregs.fs = bs->sregs.ds;
	bs->sregs.gs = bs->sregs.ds;
	bs->sregs.ss = bs->sregs.ds;
	bs->mode = "real";
	return 0;
}
