// SPDX-License-Identifier: GPL-2.0
/*
 * guest_mem.c: guest RAM as the loaders see it, and where boot data goes.
 *
 * The loaders write into guest RAM through gmem_ptr(), which refuses any
 * range that is not wholly RAM, so a hostile image (a segment at 4 GiB - 1,
 * a size that wraps) can only be rejected, never written past the mapping.
 *
 * struct boot_layout records what the image took; layout_alloc() finds room
 * for what vmctl adds (page tables, GDT, stack, Multiboot info, modules)
 * without overwriting the image.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmctl.h"
#include "run.h"

void gmem_init(struct guest_mem *m, uint8_t *host, uint64_t size)
{
	m->host = host;
	m->size = size;
	m->low_size = size > GMEM_HOLE_START ? GMEM_HOLE_START : size;
}

/* One past the highest guest-physical address of RAM. */
uint64_t gmem_top(const struct guest_mem *m)
{
	if (m->size == m->low_size)
		return m->size;
	return GMEM_HIGH_START + (m->size - m->low_size);
}

/*
 * The host address of [gpa, gpa + len), or NULL unless all of it is RAM in
 * one piece (a range across the hole is refused, not split).
 */
void *gmem_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	uint64_t high = m->size - m->low_size;

	if (gpa <= m->low_size && len <= m->low_size - gpa)
		return m->host + gpa;
	if (gpa >= GMEM_HIGH_START && gpa - GMEM_HIGH_START <= high &&
	    len <= high - (gpa - GMEM_HIGH_START))
		return m->host + m->low_size + (gpa - GMEM_HIGH_START);
	return NULL;
}

void layout_init(struct boot_layout *l)
{
	l->nr = 0;
}

/* Mark [start, start + len) taken.  Returns 0, -EINVAL or -ENOSPC. */
int layout_reserve(struct boot_layout *l, uint64_t start, uint64_t len)
{
	if (!len)
		return 0;
	if (start + len < start)
		return -EINVAL;
	if (l->nr == LAYOUT_MAX_RANGES)
		return -ENOSPC;
	l->used[l->nr].start = start;
	l->used[l->nr].end = start + len;
	l->nr++;
	return 0;
}

static uint64_t align_up(uint64_t x, uint64_t align)
{
	return (x + align - 1) & ~(align - 1);
}

/*
 * Find the lowest @align-aligned (a power of two) range of @len bytes of
 * RAM in [min, max) that overlaps nothing reserved, reserve it and return
 * its address in @gpa.  Returns 0, or -ENOMEM when there is no room.
 */
int layout_alloc(struct boot_layout *l, const struct guest_mem *m,
		 uint64_t len, uint64_t align, uint64_t min, uint64_t max,
		 uint64_t *gpa)
{
	uint64_t top = gmem_top(m);
	uint64_t start = align_up(min, align);
	unsigned int i;
	bool moved;

	if (max > top)
		max = top;
	while (start >= min && start < max && len <= max - start) {
		if (!gmem_ptr(m, start, len)) {
			/* Across the hole: try again above it. */
			if (start >= GMEM_HIGH_START)
				return -ENOMEM;
			start = GMEM_HIGH_START;
			continue;
		}
		moved = false;
		for (i = 0; i < l->nr; i++) {
			if (start < l->used[i].end &&
			    l->used[i].start < start + len) {
				start = align_up(l->used[i].end, align);
				moved = true;
			}
		}
		if (!moved) {
			*gpa = start;
			return layout_reserve(l, start, len) ? -ENOMEM : 0;
		}
	}
	return -ENOMEM;
}

/*
 * Read all of @name into memory.  Returns 0 or -errno; -EFBIG for a file
 * larger than any guest could hold.
 */
int run_read_file(const char *name, struct run_file *f)
{
	size_t cap = 1 << 20;
	uint8_t *buf, *nbuf;
	ssize_t n;

	f->name = name;
	f->data = NULL;
	f->size = 0;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		n = read_file(name, buf, cap);
		if (n < 0) {
			free(buf);
			return n;
		}
		if ((size_t)n < cap)
			break;
		/* Full: read again into a bigger buffer (files are small). */
		if (cap >= GMEM_MAX_SIZE / 64) {
			free(buf);
			return -EFBIG;
		}
		cap *= 4;
		nbuf = realloc(buf, cap);
		if (!nbuf) {
			free(buf);
			return -ENOMEM;
		}
		buf = nbuf;
	}
	f->data = buf;
	f->size = n;
	return 0;
}

void run_free_file(struct run_file *f)
{
	free(f->data);
	f->data = NULL;
	f->size = 0;
}
