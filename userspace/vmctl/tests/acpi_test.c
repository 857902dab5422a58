// SPDX-License-Identifier: GPL-2.0
/*
 * tests/acpi_test.c: host-side tests of the ACPI tables (tables/acpi.c) and
 * the ACPI registers (devices/acpi_pm.c), printing TAP.
 *
 * The tables are built into a buffer standing for guest RAM and read back
 * the way Linux does: find the RSDP (scanning the BIOS area, as
 * acpi_find_root_pointer() does), follow the XSDT, check every signature,
 * length and checksum, then read the fields at the offsets ACPI 6.4 gives
 * them, never through tables/acpi.c's structs, so a wrong struct layout is
 * caught.  The registers are driven through machine_pio(), as the vCPU
 * loop does.
 *
 *	usage: acpi_test
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmctl.h"
#include "tap.h"
#include "run.h"

#define RAM_SIZE	(2 * MiB)

static uint8_t *ram;

static void fresh_ram(struct guest_mem *m, uint64_t size)
{
	/* Garbage, so that padding the builder forgets to zero shows. */
	memset(ram, 0xa5, RAM_SIZE);
	gmem_init(m, ram, size);
}

static uint8_t rd8(uint64_t gpa)
{
	return ram[gpa];
}

static uint16_t rd16(uint64_t gpa)
{
	uint16_t v;

	memcpy(&v, ram + gpa, 2);
	return v;
}

static uint32_t rd32(uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, ram + gpa, 4);
	return v;
}

static uint64_t rd64(uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, ram + gpa, 8);
	return v;
}

static uint8_t sum(uint64_t gpa, uint64_t len)
{
	uint8_t s = 0;

	while (len--)
		s += ram[gpa++];
	return s;
}

static bool in_area(uint64_t gpa, uint64_t len)
{
	return gpa >= ACPI_TABLES_START && gpa < ACPI_TABLES_END &&
	       len <= ACPI_TABLES_END - gpa;
}

/*
 * A table with the standard header at @gpa: in the area, its signature
 * @sig, a length of at least the header, summing to 0.  Returns its
 * length, or 0.
 */
static uint32_t table_ok(uint64_t gpa, const char *sig)
{
	uint32_t len;

	if (!in_area(gpa, 36) || memcmp(ram + gpa, sig, 4))
		return 0;
	len = rd32(gpa + 4);
	if (len < 36 || !in_area(gpa, len) || sum(gpa, len))
		return 0;
	return len;
}

/* As acpi_find_root_pointer(): 16-byte steps, signature and checksum. */
static uint64_t scan_rsdp(void)
{
	uint64_t gpa;

	for (gpa = 0xe0000; gpa < 0x100000; gpa += 16)
		if (!memcmp(ram + gpa, "RSD PTR ", 8) && !sum(gpa, 20))
			return gpa;
	return 0;
}

/* The table with signature @sig that the XSDT at @xsdt lists, or 0. */
static uint64_t xsdt_find(uint64_t xsdt, const char *sig)
{
	uint32_t len = rd32(xsdt + 4);
	uint64_t off, gpa;

	for (off = 36; off + 8 <= len; off += 8) {
		gpa = rd64(xsdt + off);
		if (in_area(gpa, 4) && !memcmp(ram + gpa, sig, 4))
			return gpa;
	}
	return 0;
}

struct built {
	uint64_t rsdp, xsdt, rsdt, fadt, madt, dsdt, facs;
};

/* Build for @cpus and follow the pointers; false if any link is broken. */
static bool build_and_find(unsigned int cpus, struct built *b)
{
	struct guest_mem m;

	memset(b, 0, sizeof(*b));
	fresh_ram(&m, RAM_SIZE);
	if (acpi_build(&m, cpus, &b->rsdp))
		return false;
	if (scan_rsdp() != b->rsdp)
		return false;
	b->xsdt = rd64(b->rsdp + 24);
	b->rsdt = rd32(b->rsdp + 16);
	if (!table_ok(b->xsdt, "XSDT"))
		return false;
	b->fadt = xsdt_find(b->xsdt, "FACP");
	b->madt = xsdt_find(b->xsdt, "APIC");
	if (!table_ok(b->fadt, "FACP") || !table_ok(b->madt, "APIC"))
		return false;
	b->dsdt = rd64(b->fadt + 140);
	b->facs = rd32(b->fadt + 36);
	return true;
}

static void test_rsdp_xsdt(void)
{
	struct built b;
	uint32_t len;
	uint64_t off;
	bool all_ok = true;

	check(build_and_find(1, &b), "acpi: RSDP -> XSDT -> FADT, MADT all found and valid");
	check(b.rsdp == 0xe0000 && b.rsdp % 16 == 0,
	      "rsdp: at 0xe0000, 16-byte aligned, returned to the caller");
	check(!sum(b.rsdp, 20) && !sum(b.rsdp, 36),
	      "rsdp: both checksums (20 and 36 bytes) sum to 0");
	check(rd8(b.rsdp + 15) == 2 && rd32(b.rsdp + 20) == 36 &&
	      !memcmp(ram + b.rsdp + 9, "MINVMM", 6),
	      "rsdp: revision 2, length 36, OEM id MINVMM");
	check(!rd8(b.rsdp + 33) && !rd8(b.rsdp + 34) && !rd8(b.rsdp + 35),
	      "rsdp: reserved bytes are zero");

	len = table_ok(b.xsdt, "XSDT");
	check(len == 36 + 2 * 8 && rd8(b.xsdt + 8) == 1,
	      "xsdt: two 64-bit entries, revision 1 (len %u)", len);
	for (off = 36; off < len; off += 8) {
		uint64_t t = rd64(b.xsdt + off);

		if (!in_area(t, 36) || sum(t, rd32(t + 4)))
			all_ok = false;
	}
	check(all_ok, "xsdt: every entry points into the area at a table summing to 0");

	len = table_ok(b.rsdt, "RSDT");
	check(len == 36 + 2 * 4 && rd32(b.rsdt + 36) == b.fadt &&
	      rd32(b.rsdt + 40) == b.madt,
	      "rsdt: the same two tables, 32-bit entries");
	check(!memcmp(ram + b.fadt + 10, "MINVMM", 6) &&
	      !memcmp(ram + b.fadt + 28, "MVMC", 4),
	      "header: OEM id MINVMM, creator MVMC");

	/* The checker itself must be able to fail. */
	ram[b.madt + 40] ^= 1;
	check(!table_ok(b.madt, "APIC"), "checker: one flipped byte breaks the checksum");
	ram[b.madt + 40] ^= 1;
	check(!table_ok(b.madt, "FACP"), "checker: a wrong signature is refused");
}

/*
 * What ACPICA's acpi_tb_convert_fadt() checks for each 32-bit block and
 * its X_ GAS: equal addresses and bit_width == 8 * length when both are
 * set, an X_ address of 0 when the 32-bit one is.
 */
static bool fadt_block_consistent(uint64_t fadt, unsigned int off32,
				  unsigned int offx, unsigned int offlen)
{
	uint32_t a32 = rd32(fadt + off32);
	uint64_t ax = rd64(fadt + offx + 4);
	uint8_t len = rd8(fadt + offlen);

	/* PM1b shares PM1a's length field, so only the address says. */
	if (!a32)
		return !ax;
	return ax == a32 && rd8(fadt + offx) == 1 &&
	       rd8(fadt + offx + 1) == 8 * len && !rd8(fadt + offx + 2);
}

static void test_fadt(void)
{
	static const struct { unsigned int a32, ax, len; const char *name; }
	blocks[] = {
		{ 56, 148, 88, "PM1a_EVT" }, { 60, 160, 88, "PM1b_EVT" },
		{ 64, 172, 89, "PM1a_CNT" }, { 68, 184, 89, "PM1b_CNT" },
		{ 72, 196, 90, "PM2_CNT" }, { 76, 208, 91, "PM_TMR" },
		{ 80, 220, 92, "GPE0" }, { 84, 232, 93, "GPE1" },
	};
	uint32_t flags, len;
	uint16_t boot;
	struct built b;
	size_t i;

	if (!build_and_find(1, &b)) {
		check(false, "fadt: tables not found");
		return;
	}
	len = table_ok(b.fadt, "FACP");
	check(len == 276 && rd8(b.fadt + 8) == 6 && rd8(b.fadt + 131) == 4,
	      "fadt: 276 bytes, revision 6.4 (len %u)", len);
	check(table_ok(b.dsdt, "DSDT") && rd32(b.fadt + 40) == b.dsdt,
	      "fadt: DSDT and X_DSDT agree and point at the DSDT");
	check(b.facs && !rd64(b.fadt + 132),
	      "fadt: FIRMWARE_CTRL set, X_FIRMWARE_CTRL zero (5.2.9)");
	check(in_area(b.facs, 64) && b.facs % 64 == 0 &&
	      !memcmp(ram + b.facs, "FACS", 4) && rd32(b.facs + 4) == 64,
	      "facs: 64 bytes, 64-byte aligned, signature FACS");
	check(!rd32(b.facs + 16) && !rd32(b.facs + 20) && !rd32(b.facs + 36) &&
	      rd8(b.facs + 40) == 0 && rd8(b.facs + 63) == 0,
	      "facs: global lock free, no flags, reserved bytes zero");

	check(rd16(b.fadt + 46) == 9, "fadt: SCI_INT 9");
	check(rd32(b.fadt + 48) == 0, "fadt: SMI_CMD 0 (always in ACPI mode)");
	check(rd32(b.fadt + 56) == 0x600 && rd8(b.fadt + 88) == 4,
	      "fadt: PM1a_EVT_BLK 0x600, 4 bytes");
	check(rd32(b.fadt + 64) == 0x604 && rd8(b.fadt + 89) == 2,
	      "fadt: PM1a_CNT_BLK 0x604, 2 bytes");
	check(!rd32(b.fadt + 76) && !rd8(b.fadt + 91),
	      "fadt: no PM timer");
	check(!rd32(b.fadt + 80) && !rd32(b.fadt + 84),
	      "fadt: no GPE blocks");
	for (i = 0; i < ARRAY_SIZE(blocks); i++)
		check(fadt_block_consistent(b.fadt, blocks[i].a32, blocks[i].ax,
					    blocks[i].len),
		      "fadt: %s and X_%s agree", blocks[i].name, blocks[i].name);
	check(rd8(b.fadt + 148 + 1) == 32 && rd8(b.fadt + 172 + 1) == 16,
	      "fadt: X_PM1a_EVT 32 bits, X_PM1a_CNT 16 bits");

	flags = rd32(b.fadt + 112);
	check((flags & 0x435) == 0x435,
	      "fadt: WBINVD, PROC_C1, PWR_BUTTON, SLP_BUTTON, RESET_REG_SUP (0x%x)",
	      flags);
	check(flags & (1u << 6), "fadt: FIX_RTC (no RTC wake status in PM1)");
	check(!(flags & (1u << 20)), "fadt: not hardware-reduced");
	boot = rd16(b.fadt + 109);
	check((boot & 0x1c) == 0x1c, "fadt: NO_VGA, NO_MSI, NO_ASPM (0x%x)", boot);
	check(!(boot & 0x2) && !(boot & 0x20),
	      "fadt: neither 8042 nor NO_CMOS_RTC");
	check(rd8(b.fadt + 116) == 1 && rd8(b.fadt + 117) == 8 &&
	      !rd8(b.fadt + 118) && rd64(b.fadt + 120) == 0xcf9 &&
	      rd8(b.fadt + 128) == 0x06,
	      "fadt: RESET_REG I/O 0xcf9, 8 bits, value 0x06");
	check(!rd64(b.fadt + 244 + 4) && !rd64(b.fadt + 256 + 4),
	      "fadt: no sleep control/status registers (hardware-reduced only)");
}

/*
 * AML PkgLength (ACPI 6.4 20.2.4): bits 7:6 of the lead byte count the
 * bytes that follow; with none, bits 5:0 are the length.  Returns the
 * length and sets *nbytes, or 0.
 */
static uint32_t pkg_length(const uint8_t *p, size_t avail, unsigned int *nbytes)
{
	unsigned int follow = p[0] >> 6, i;
	uint32_t len;

	if (!avail || follow + 1 > avail)
		return 0;
	if (!follow) {
		*nbytes = 1;
		return p[0] & 0x3f;
	}
	len = p[0] & 0x0f;
	for (i = 0; i < follow; i++)
		len |= (uint32_t)p[1 + i] << (4 + 8 * i);
	*nbytes = follow + 1;
	return len;
}

/* One package element: ZeroOp, OneOp or BytePrefix n.  -1 otherwise. */
static int aml_byte_elem(const uint8_t **p, const uint8_t *end)
{
	if (*p >= end)
		return -1;
	switch (*(*p)++) {
	case 0x00:
		return 0;
	case 0x01:
		return 1;
	case 0x0a:
		if (*p >= end)
			return -1;
		return *(*p)++;
	}
	return -1;
}

static void test_dsdt(void)
{
	const uint8_t *aml, *end, *p;
	uint32_t len, pkglen;
	unsigned int nb = 0;
	int e[4], i;
	struct built b;

	if (!build_and_find(1, &b)) {
		check(false, "dsdt: tables not found");
		return;
	}
	len = table_ok(b.dsdt, "DSDT");
	check(len == 36 + 14 && rd8(b.dsdt + 8) == 2,
	      "dsdt: 50 bytes, revision 2 (len %u)", len);
	if (len < 36 + 8)
		return;
	aml = ram + b.dsdt + 36;
	end = ram + b.dsdt + len;
	check(aml[0] == 0x08 && !memcmp(aml + 1, "_S5_", 4) && aml[5] == 0x12,
	      "dsdt: NameOp _S5_ PackageOp");
	pkglen = pkg_length(aml + 6, end - (aml + 6), &nb);
	check(pkglen && nb == 1 && aml + 6 + pkglen == end,
	      "dsdt: PkgLength %u covers exactly the package to the table's end",
	      pkglen);
	p = aml + 6 + nb;
	check(p < end && *p == 4, "dsdt: NumElements 4");
	p++;
	for (i = 0; i < 4; i++)
		e[i] = aml_byte_elem(&p, end);
	check(e[0] == 5 && e[1] == 5 && e[2] == 0 && e[3] == 0 && p == end,
	      "dsdt: _S5_ is {5, 5, 0, 0} and nothing follows");
	check(e[0] == ACPI_SLP_TYP_S5 && e[0] <= 7,
	      "dsdt: SLP_TYPa is what acpi_pm.c powers off on, and fits 3 bits");

	/* The parser must be able to fail: a PkgLength one too long. */
	ram[b.dsdt + 36 + 6]++;
	pkglen = pkg_length(aml + 6, end - (aml + 6), &nb);
	check(aml + 6 + pkglen != end, "dsdt: checker sees a wrong PkgLength");
	ram[b.dsdt + 36 + 6]--;
}

static void check_madt(unsigned int cpus)
{
	unsigned int nr_lapic = 0, nr_ioapic = 0, nr_nmi = 0, off;
	bool lapics_ok = true, iso0 = false, iso9 = false, walk_ok = true;
	uint8_t ioapic_id = 0;
	uint32_t len, ioapic_addr = 0, gsi_base = 1;
	struct built b;

	if (!build_and_find(cpus, &b)) {
		check(false, "madt(%u): tables not found", cpus);
		return;
	}
	len = table_ok(b.madt, "APIC");
	check(len == 44 + 8 * cpus + 12 + 2 * 10 + 6,
	      "madt(%u): length %u", cpus, len);
	check(rd32(b.madt + 36) == 0xfee00000 && rd32(b.madt + 40) == 1,
	      "madt(%u): local APIC at 0xfee00000, PCAT_COMPAT", cpus);
	for (off = 44; off < len; ) {
		uint64_t e = b.madt + off;
		uint8_t type = rd8(e), elen = rd8(e + 1);

		if (elen < 2 || off + elen > len) {
			walk_ok = false;
			break;
		}
		switch (type) {
		case 0:
			if (elen != 8 || rd8(e + 2) != nr_lapic ||
			    rd8(e + 3) != nr_lapic || rd32(e + 4) != 1)
				lapics_ok = false;
			nr_lapic++;
			break;
		case 1:
			nr_ioapic++;
			ioapic_id = rd8(e + 2);
			ioapic_addr = rd32(e + 4);
			gsi_base = rd32(e + 8);
			break;
		case 2:
			if (elen == 10 && rd8(e + 2) == 0 && rd8(e + 3) == 0 &&
			    rd32(e + 4) == 2 && (rd16(e + 8) & 0xc) != 0xc &&
			    (rd16(e + 8) & 0x3) != 0x3)
				iso0 = true;
			if (elen == 10 && rd8(e + 2) == 0 && rd8(e + 3) == 9 &&
			    rd32(e + 4) == 9 && rd16(e + 8) == 0xd)
				iso9 = true;
			break;
		case 4:
			if (elen == 6 && rd8(e + 2) == 0xff && rd8(e + 5) == 1)
				nr_nmi++;
			break;
		default:
			walk_ok = false;
		}
		off += elen;
	}
	check(walk_ok && off == len, "madt(%u): entries walk to the end", cpus);
	check(nr_lapic == cpus && lapics_ok,
	      "madt(%u): %u local APICs, UID = APIC ID = index, enabled",
	      cpus, nr_lapic);
	check(nr_ioapic == 1 && ioapic_id == cpus && ioapic_addr == 0xfec00000 &&
	      gsi_base == 0,
	      "madt(%u): one I/O APIC, id %u (after the CPUs'), 0xfec00000, GSI 0",
	      cpus, ioapic_id);
	check(iso0, "madt(%u): IRQ 0 -> GSI 2, edge, active high", cpus);
	check(iso9, "madt(%u): IRQ 9 -> GSI 9 (SCI), level, active high", cpus);
	check(nr_nmi == 1, "madt(%u): LINT1 NMI on all processors", cpus);
}

static void test_madt(void)
{
	check_madt(1);
	check_madt(4);
	check_madt(ACPI_MAX_CPUS);
}

static void test_build_errors(void)
{
	struct guest_mem m;
	uint64_t rsdp = 0x1234;

	fresh_ram(&m, 512 * KiB);
	check(acpi_build(&m, 1, &rsdp) == -ENOMEM && rsdp == 0x1234 &&
	      ram[0xe0000] == 0xa5,
	      "build: 512K of RAM is -ENOMEM, nothing written");
	fresh_ram(&m, 0xfffff);
	check(acpi_build(&m, 1, &rsdp) == -ENOMEM,
	      "build: RAM one byte short of 1M is -ENOMEM");
	fresh_ram(&m, 1 * MiB);
	check(!acpi_build(&m, 1, &rsdp) && rsdp == 0xe0000,
	      "build: exactly 1M of RAM is enough");
	check(acpi_build(&m, 0, &rsdp) == -EINVAL, "build: 0 CPUs is -EINVAL");
	check(acpi_build(&m, ACPI_MAX_CPUS + 1, &rsdp) == -EINVAL,
	      "build: %u CPUs (I/O APIC id past 4 bits) is -EINVAL",
	      ACPI_MAX_CPUS + 1);
}

/* ---- devices/acpi_pm.c, through the machine's port map ---- */

static uint32_t pio_in(struct machine *mc, uint16_t port, unsigned int size)
{
	uint8_t d[4] = { 0 };
	uint32_t v = 0;

	machine_pio(mc, port, false, d, size);
	memcpy(&v, d, size);
	return v;
}

static void pio_out(struct machine *mc, uint16_t port, unsigned int size,
		    uint32_t v)
{
	uint8_t d[4];

	memcpy(d, &v, 4);
	machine_pio(mc, port, true, d, size);
}

#define SLP_EN		(1u << 13)
#define SLP_TYP(n)	((uint32_t)(n) << 10)

static void test_pm1(void)
{
	struct machine mc;

	machine_init(&mc, 64 * MiB, 1, -1);
	check((pio_in(&mc, 0x604, 2) & 1) == 1, "pm1_cnt: SCI_EN reads 1");
	pio_out(&mc, 0x604, 2, 0);
	check((pio_in(&mc, 0x604, 2) & 1) == 1, "pm1_cnt: SCI_EN stays 1 after writing 0");

	/* Linux's acpi_hw_legacy_sleep(): SLP_TYP first, then SLP_EN too. */
	pio_out(&mc, 0x604, 2, SLP_TYP(5));
	check(mc.stop == MACHINE_RUNNING &&
	      (pio_in(&mc, 0x604, 2) & 0x1c00) == SLP_TYP(5),
	      "pm1_cnt: SLP_TYP 5 without SLP_EN does nothing, reads back");
	pio_out(&mc, 0x604, 2, pio_in(&mc, 0x604, 2) | SLP_EN);
	check(mc.stop == MACHINE_POWER_OFF, "pm1_cnt: SLP_EN with SLP_TYP 5 powers off");
	check(!(pio_in(&mc, 0x604, 2) & SLP_EN), "pm1_cnt: SLP_EN reads 0");

	machine_init(&mc, 64 * MiB, 1, -1);
	pio_out(&mc, 0x605, 1, (SLP_TYP(5) | SLP_EN) >> 8);
	check(mc.stop == MACHINE_POWER_OFF, "pm1_cnt: a byte write to 0x605 powers off too");

	machine_init(&mc, 64 * MiB, 1, -1);
	fprintf(stderr, "# acpi_test: one unsupported-sleep warning is expected next\n");
	pio_out(&mc, 0x604, 2, SLP_TYP(1) | SLP_EN);
	pio_out(&mc, 0x604, 2, SLP_TYP(3) | SLP_EN);
	check(mc.stop == MACHINE_RUNNING && mc.acpi_pm.warned_sleep,
	      "pm1_cnt: SLP_TYP 1 and 3 with SLP_EN are ignored, said once");
	pio_out(&mc, 0x604, 2, SLP_TYP(0) | SLP_EN);
	check(mc.stop == MACHINE_RUNNING, "pm1_cnt: SLP_TYP 0 with SLP_EN is ignored");

	mc.acpi_pm.pm1_sts = 0x8121;	/* WAK, PWRBTN, GBL, TMR */
	pio_out(&mc, 0x600, 2, 0x0101);
	check(pio_in(&mc, 0x600, 2) == 0x8020,
	      "pm1_sts: writing 1s clears those bits only (0x%x)",
	      pio_in(&mc, 0x600, 2));
	pio_out(&mc, 0x600, 2, 0);
	check(pio_in(&mc, 0x600, 2) == 0x8020, "pm1_sts: writing 0s clears nothing");
	pio_out(&mc, 0x601, 1, 0x80);
	check(pio_in(&mc, 0x600, 2) == 0x0020, "pm1_sts: byte write clears WAK_STS");

	pio_out(&mc, 0x602, 2, 0x0020);
	check(pio_in(&mc, 0x602, 2) == 0x0020, "pm1_en: GBL_EN sticks (ACPICA reads it back)");
	pio_out(&mc, 0x602, 2, 0xffff);
	check(pio_in(&mc, 0x602, 2) == 0x4721,
	      "pm1_en: only the defined enable bits stick (0x%x)",
	      pio_in(&mc, 0x602, 2));
	check(pio_in(&mc, 0x600, 4) == (0x4721u << 16 | 0x0020),
	      "pm1: a dword read at 0x600 is STS then EN");
	check(pio_in(&mc, 0x604, 4) == (0xffff0000u | 1 | SLP_TYP(0)),
	      "pm1: bytes past 0x605 read all ones");
	check(mc.stop == MACHINE_RUNNING, "pm1: none of that stopped the machine");
}

static void test_reset(void)
{
	struct machine mc;

	machine_init(&mc, 64 * MiB, 1, -1);
	check(pio_in(&mc, 0xcf9, 1) == 0, "cf9: reads 0 at first");
	pio_out(&mc, 0xcf9, 1, 0x02);
	check(mc.stop == MACHINE_RUNNING && pio_in(&mc, 0xcf9, 1) == 0x02,
	      "cf9: 0x02 (hard reset selected) does not reset, reads back");
	pio_out(&mc, 0xcf9, 1, 0x06);
	check(mc.stop == MACHINE_RESET, "cf9: 0x06 resets");

	machine_init(&mc, 64 * MiB, 1, -1);
	pio_out(&mc, 0xcf9, 1, 0x0e);
	check(mc.stop == MACHINE_RESET, "cf9: 0x0e (full reset) resets");

	machine_init(&mc, 64 * MiB, 1, -1);
	pio_out(&mc, 0xcf8, 4, 0x80000400);	/* bit 2 of the 0xcf9 byte */
	check(mc.stop == MACHINE_RUNNING && pio_in(&mc, 0xcf8, 4) == 0x80000400,
	      "pci: a dword at 0xcf8 is the address, never the reset");
	check(pio_in(&mc, 0xcfc, 4) == 0xffffffff && pio_in(&mc, 0xcfd, 1) == 0xff,
	      "pci: 0xcfc-0xcff still read all ones");
	pio_out(&mc, 0xcf9, 2, 0x0606);
	check(mc.stop == MACHINE_RUNNING, "cf9: a word access is not the reset control");
	pio_out(&mc, 0x604, 2, SLP_TYP(5) | SLP_EN);
	pio_out(&mc, 0xcf9, 1, 0x06);
	check(mc.stop == MACHINE_POWER_OFF, "stop: power-off first, a reset after it does not override");
}

int main(void)
{
	ram = malloc(RAM_SIZE);
	if (!ram) {
		perror("malloc");
		return 1;
	}
	test_rsdp_xsdt();
	test_fadt();
	test_dsdt();
	test_madt();
	test_build_errors();
	test_pm1();
	test_reset();
	free(ram);
	return tap_done("acpi_test");
}
