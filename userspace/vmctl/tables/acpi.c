// SPDX-License-Identifier: GPL-2.0
/*
 * tables/acpi.c: the ACPI tables that describe vmctl's machine to a guest
 * kernel (ACPI 6.4 chapter 5), built in guest RAM by acpi_build().
 *
 * Linux finds the interrupt controllers from the MADT (one local APIC per
 * vCPU at 0xfee00000, one 24-pin I/O APIC at 0xfec00000 whose id follows
 * the vCPUs'), powers off through the FADT's PM1a control block and \_S5_,
 * and resets through the FADT's RESET_REG.  ACPI rather than an MP table
 * because the MP table has no way to say either of the last two.
 *
 * The FADT is a full one, not hardware-reduced: with HW_REDUCED_ACPI set
 * Linux installs the null legacy PIC (acpi_generic_reduced_hw_init() in
 * arch/x86/kernel/acpi/boot.c), nr_legacy_irqs() becomes 0 and the ISA
 * IRQs (the UART's IRQ 4) get no I/O APIC mapping.  A full FADT requires
 * the PM1a event and control blocks (devices/acpi_pm.c) and a FACS.
 *
 * What there is, all in [ACPI_TABLES_START, ACPI_TABLES_END), which the
 * Linux loader marks reserved in the e820 map:
 *
 *   0xe0000  RSDP, revision 2 (5.2.5), pointing to the XSDT and the RSDT
 *   0xe0040  FACS, 64 bytes, 64-byte aligned (5.2.10)
 *   then     DSDT with only \_S5_ (5.2.11.1), FADT (5.2.9),
 *            MADT (5.2.12), XSDT (5.2.8) and RSDT (5.2.7), 16-byte aligned
 *
 * The structs are written here from the specification, packed; the host
 * is x86 and so little-endian, as ACPI is (5.2: "all numeric values ... are
 * in little-endian format").  tests/acpi_test.c reads them back at the
 * specification's offsets, not through these structs.
 */
#include <errno.h>
#include <string.h>

#include "vmctl.h"
#include "run.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the ACPI tables are written as host structs: a little-endian host is needed"
#endif

#define ACPI_OEM_ID		"MINVMM"	/* 6 bytes */
#define ACPI_OEM_TABLE_ID	"MINIVMM "	/* 8 bytes */
#define ACPI_OEM_REVISION	1
#define ACPI_CREATOR_ID		"MVMC"		/* 4 bytes */
#define ACPI_CREATOR_REVISION	1

#define LAPIC_ADDR		0xfee00000u
#define IOAPIC_ADDR		0xfec00000u

/* ACPI 6.4 5.2.5.3: the RSDP (36 bytes for revision 2) */
struct acpi_rsdp {
	char signature[8];		/* "RSD PTR " */
	uint8_t checksum;		/* of the first 20 bytes */
	char oem_id[6];
	uint8_t revision;		/* 2: ACPI 2.0 and later */
	uint32_t rsdt_address;
	uint32_t length;		/* 36 */
	uint64_t xsdt_address;
	uint8_t extended_checksum;	/* of all 36 bytes */
	uint8_t reserved[3];
} __attribute__((packed));

/* ACPI 6.4 5.2.6: the header every table but the RSDP and FACS has */
struct acpi_header {
	char signature[4];
	uint32_t length;		/* of the whole table */
	uint8_t revision;
	uint8_t checksum;		/* the whole table sums to 0 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));

/* ACPI 6.4 5.2.3.2: Generic Address Structure */
struct acpi_gas {
	uint8_t space_id;		/* 1: system I/O */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;		/* 1 byte, 2 word, 3 dword, 4 qword */
	uint64_t address;
} __attribute__((packed));

#define GAS_SYSTEM_IO		1
#define GAS_ACCESS_BYTE		1
#define GAS_ACCESS_WORD		2

/* ACPI 6.4 5.2.9 table 5.9: the FADT, revision 6 (276 bytes) */
struct acpi_fadt {
	struct acpi_header h;
	uint32_t firmware_ctrl;		/* 36: the FACS */
	uint32_t dsdt;			/* 40 */
	uint8_t reserved0;		/* 44: ACPI 1.0's INT_MODEL */
	uint8_t preferred_pm_profile;	/* 45 */
	uint16_t sci_int;		/* 46 */
	uint32_t smi_cmd;		/* 48 */
	uint8_t acpi_enable;		/* 52 */
	uint8_t acpi_disable;		/* 53 */
	uint8_t s4bios_req;		/* 54 */
	uint8_t pstate_cnt;		/* 55 */
	uint32_t pm1a_evt_blk;		/* 56 */
	uint32_t pm1b_evt_blk;		/* 60 */
	uint32_t pm1a_cnt_blk;		/* 64 */
	uint32_t pm1b_cnt_blk;		/* 68 */
	uint32_t pm2_cnt_blk;		/* 72 */
	uint32_t pm_tmr_blk;		/* 76 */
	uint32_t gpe0_blk;		/* 80 */
	uint32_t gpe1_blk;		/* 84 */
	uint8_t pm1_evt_len;		/* 88 */
	uint8_t pm1_cnt_len;		/* 89 */
	uint8_t pm2_cnt_len;		/* 90 */
	uint8_t pm_tmr_len;		/* 91 */
	uint8_t gpe0_blk_len;		/* 92 */
	uint8_t gpe1_blk_len;		/* 93 */
	uint8_t gpe1_base;		/* 94 */
	uint8_t cst_cnt;		/* 95 */
	uint16_t p_lvl2_lat;		/* 96 */
	uint16_t p_lvl3_lat;		/* 98 */
	uint16_t flush_size;		/* 100 */
	uint16_t flush_stride;		/* 102 */
	uint8_t duty_offset;		/* 104 */
	uint8_t duty_width;		/* 105 */
	uint8_t day_alrm;		/* 106 */
	uint8_t mon_alrm;		/* 107 */
	uint8_t century;		/* 108 */
	uint16_t iapc_boot_arch;	/* 109 */
	uint8_t reserved1;		/* 111 */
	uint32_t flags;			/* 112 */
	struct acpi_gas reset_reg;	/* 116 */
	uint8_t reset_value;		/* 128 */
	uint16_t arm_boot_arch;		/* 129 */
	uint8_t minor_version;		/* 131 */
	uint64_t x_firmware_ctrl;	/* 132 */
	uint64_t x_dsdt;		/* 140 */
	struct acpi_gas x_pm1a_evt_blk;	/* 148 */
	struct acpi_gas x_pm1b_evt_blk;	/* 160 */
	struct acpi_gas x_pm1a_cnt_blk;	/* 172 */
	struct acpi_gas x_pm1b_cnt_blk;	/* 184 */
	struct acpi_gas x_pm2_cnt_blk;	/* 196 */
	struct acpi_gas x_pm_tmr_blk;	/* 208 */
	struct acpi_gas x_gpe0_blk;	/* 220 */
	struct acpi_gas x_gpe1_blk;	/* 232 */
	struct acpi_gas sleep_control;	/* 244 */
	struct acpi_gas sleep_status;	/* 256 */
	uint64_t hypervisor_vendor;	/* 268 */
} __attribute__((packed));

/* FADT flags (table 5.10) */
#define FADT_WBINVD		(1u << 0)
#define FADT_PROC_C1		(1u << 2)
#define FADT_PWR_BUTTON		(1u << 4)	/* set: no fixed power button */
#define FADT_SLP_BUTTON		(1u << 5)	/* set: no fixed sleep button */
#define FADT_FIX_RTC		(1u << 6)	/* set: no RTC_STS in PM1 */
#define FADT_RESET_REG_SUP	(1u << 10)

/* IA-PC boot architecture flags (5.2.9.3, table 5.11) */
#define BOOT_LEGACY_DEVICES	(1u << 0)
#define BOOT_8042		(1u << 1)
#define BOOT_NO_VGA		(1u << 2)
#define BOOT_NO_MSI		(1u << 3)
#define BOOT_NO_ASPM		(1u << 4)
#define BOOT_NO_CMOS_RTC	(1u << 5)

/* ACPI 6.4 5.2.10 table 5.13: the FACS */
struct acpi_facs {
	char signature[4];		/* "FACS" */
	uint32_t length;		/* 64 */
	uint32_t hardware_signature;
	uint32_t firmware_waking_vector;
	uint32_t global_lock;
	uint32_t flags;
	uint64_t x_firmware_waking_vector;
	uint8_t version;
	uint8_t reserved0[3];
	uint32_t ospm_flags;
	uint8_t reserved1[24];
} __attribute__((packed));

/* ACPI 6.4 5.2.12: the MADT and the entries vmctl uses */
struct acpi_madt {
	struct acpi_header h;
	uint32_t lapic_address;
	uint32_t flags;
} __attribute__((packed));

#define MADT_PCAT_COMPAT	(1u << 0)	/* table 5.20: there are 8259s */

struct madt_lapic {			/* 5.2.12.2, type 0 */
	uint8_t type, length;
	uint8_t acpi_processor_uid;
	uint8_t apic_id;
	uint32_t flags;			/* bit 0: enabled */
} __attribute__((packed));

struct madt_ioapic {			/* 5.2.12.3, type 1 */
	uint8_t type, length;
	uint8_t ioapic_id;
	uint8_t reserved;
	uint32_t address;
	uint32_t gsi_base;
} __attribute__((packed));

struct madt_iso {			/* 5.2.12.5, type 2 */
	uint8_t type, length;
	uint8_t bus;			/* 0: ISA */
	uint8_t source;			/* the ISA IRQ */
	uint32_t gsi;
	uint16_t flags;			/* MPS INTI flags, table 5.26 */
} __attribute__((packed));

struct madt_lapic_nmi {			/* 5.2.12.7, type 4 */
	uint8_t type, length;
	uint8_t acpi_processor_uid;	/* 0xff: all processors */
	uint16_t flags;
	uint8_t lint;
} __attribute__((packed));

#define MADT_TYPE_LAPIC		0
#define MADT_TYPE_IOAPIC	1
#define MADT_TYPE_ISO		2
#define MADT_TYPE_LAPIC_NMI	4
#define MADT_LAPIC_ENABLED	(1u << 0)
/* MPS INTI flags (table 5.26): polarity in bits 0-1, trigger in 2-3 */
#define MPS_INTI_CONFORMS	0x0
#define MPS_INTI_ACTIVE_HIGH	0x1
#define MPS_INTI_LEVEL		(0x3 << 2)

_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP");
_Static_assert(sizeof(struct acpi_header) == 36, "header");
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS");
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT revision 6");
_Static_assert(sizeof(struct acpi_facs) == 64, "FACS");
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT");
_Static_assert(sizeof(struct madt_lapic) == 8, "MADT local APIC");
_Static_assert(sizeof(struct madt_ioapic) == 12, "MADT I/O APIC");
_Static_assert(sizeof(struct madt_iso) == 10, "MADT override");
_Static_assert(sizeof(struct madt_lapic_nmi) == 6, "MADT local APIC NMI");

/*
 * The whole DSDT body: Name (_S5_, Package () {5, 5, 0, 0}), the sleep
 * type values Linux writes to SLP_TYPa/SLP_TYPb to power off (ACPI 6.4
 * 7.4.2, \_S5).  Hand-assembled from the AML grammar of ACPI 6.4 20.2.
 */
static const uint8_t dsdt_aml[] = {
	0x08,			/* NameOp (20.2.5.1 DefName) */
	'_', 'S', '5', '_',	/* NameString: one NameSeg (20.2.2) */
	0x12,			/* PackageOp (20.2.5.4 DefPackage) */
	0x08,			/* PkgLength (20.2.4): one byte, bits 7:6
				 * = 0; it counts itself and what follows
				 * up to the package's end: 1 + 1 + 6 = 8 */
	0x04,			/* NumElements: 4 */
	0x0a, ACPI_SLP_TYP_S5,	/* BytePrefix (20.2.3) 5: SLP_TYPa */
	0x0a, ACPI_SLP_TYP_S5,	/* BytePrefix 5: SLP_TYPb (no PM1b) */
	0x00,			/* ZeroOp: reserved */
	0x00,			/* ZeroOp: reserved */
};

/* Where the next table goes, inside [ACPI_TABLES_START, ACPI_TABLES_END). */
struct acpi_ctx {
	uint8_t *base;		/* host address of ACPI_TABLES_START */
	uint64_t next;		/* GPA of the first free byte */
};

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/*
 * Take @len bytes aligned to @align (a power of two); returns the GPA, or
 * 0 when the area is full (cannot happen with the tables built here, but
 * a bigger MADT must not run past the end).
 */
static uint64_t acpi_alloc(struct acpi_ctx *c, uint64_t len, uint64_t align)
{
	uint64_t gpa = align_up(c->next, align);

	if (gpa > ACPI_TABLES_END || len > ACPI_TABLES_END - gpa)
		return 0;
	c->next = gpa + len;
	return gpa;
}

static void *acpi_host(struct acpi_ctx *c, uint64_t gpa)
{
	return c->base + (gpa - ACPI_TABLES_START);
}

static uint8_t acpi_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return (uint8_t)-sum;
}

static void acpi_header_init(struct acpi_header *h, const char *sig,
			     uint32_t len, uint8_t revision)
{
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = revision;
	memcpy(h->oem_id, ACPI_OEM_ID, 6);
	memcpy(h->oem_table_id, ACPI_OEM_TABLE_ID, 8);
	h->oem_revision = ACPI_OEM_REVISION;
	memcpy(h->creator_id, ACPI_CREATOR_ID, 4);
	h->creator_revision = ACPI_CREATOR_REVISION;
}

/* Last, once the table is complete. */
static void acpi_header_sum(struct acpi_header *h)
{
	h->checksum = 0;
	h->checksum = acpi_checksum(h, h->length);
}

static void gas_io(struct acpi_gas *g, uint16_t port, uint8_t bytes,
		   uint8_t access_size)
{
	g->space_id = GAS_SYSTEM_IO;
	g->bit_width = bytes * 8;
	g->bit_offset = 0;
	g->access_size = access_size;
	g->address = port;
}

static uint64_t build_facs(struct acpi_ctx *c)
{
	/* 5.2.10: "aligned on a 64-byte boundary" */
	uint64_t gpa = acpi_alloc(c, sizeof(struct acpi_facs), 64);
	struct acpi_facs *f;

	if (!gpa)
		return 0;
	f = acpi_host(c, gpa);
	memcpy(f->signature, "FACS", 4);
	f->length = sizeof(*f);
	/*
	 * No waking vector (no S1-S4), no S4BIOS, the global lock free.
	 * Version 2 is the FACS of ACPI 4.0 and later.
	 */
	f->version = 2;
	return gpa;
}

static uint64_t build_dsdt(struct acpi_ctx *c)
{
	uint32_t len = sizeof(struct acpi_header) + sizeof(dsdt_aml);
	uint64_t gpa = acpi_alloc(c, len, 16);
	struct acpi_header *h;

	if (!gpa)
		return 0;
	h = acpi_host(c, gpa);
	/* Revision 2: integers in the AML are 64 bits wide (5.2.11.1). */
	acpi_header_init(h, "DSDT", len, 2);
	memcpy(h + 1, dsdt_aml, sizeof(dsdt_aml));
	acpi_header_sum(h);
	return gpa;
}

static uint64_t build_fadt(struct acpi_ctx *c, uint64_t facs, uint64_t dsdt)
{
	uint64_t gpa = acpi_alloc(c, sizeof(struct acpi_fadt), 16);
	struct acpi_fadt *f;

	if (!gpa)
		return 0;
	f = acpi_host(c, gpa);
	/*
	 * Revision 6.4 (minor_version 4).  Linux 6.1's ACPICA knows the
	 * 276-byte revision 6 layout, so it neither truncates nor extends
	 * it (acpi_tb_create_local_fadt() in tbfadt.c).
	 */
	acpi_header_init(&f->h, "FACP", sizeof(*f), 6);
	f->minor_version = 4;

	/*
	 * The FACS through the 32-bit field only: 5.2.9 says X_FIRMWARE_CTRL
	 * must be zero when FIRMWARE_CTRL is not.  The DSDT through both,
	 * equal, which Linux accepts without a warning (32 and 64 agree).
	 */
	f->firmware_ctrl = (uint32_t)facs;
	f->dsdt = (uint32_t)dsdt;
	f->x_dsdt = dsdt;

	f->preferred_pm_profile = 0;	/* unspecified */
	f->sci_int = ACPI_SCI_IRQ;
	/*
	 * SMI_CMD 0: no SMI command port, the machine is always in ACPI
	 * mode (5.2.9; ACPICA's acpi_hw_get_mode() then never reads SCI_EN
	 * to decide, and acpi_enable() does nothing).
	 */
	f->smi_cmd = 0;

	f->pm1a_evt_blk = ACPI_PM1_EVT_BLK;
	f->pm1_evt_len = ACPI_PM1_EVT_LEN;
	gas_io(&f->x_pm1a_evt_blk, ACPI_PM1_EVT_BLK, ACPI_PM1_EVT_LEN,
	       GAS_ACCESS_WORD);
	f->pm1a_cnt_blk = ACPI_PM1_CNT_BLK;
	f->pm1_cnt_len = ACPI_PM1_CNT_LEN;
	gas_io(&f->x_pm1a_cnt_blk, ACPI_PM1_CNT_BLK, ACPI_PM1_CNT_LEN,
	       GAS_ACCESS_WORD);
	/*
	 * No PM timer: it is optional since ACPI 5.0A (5.2.9: "If the
	 * platform does not support ... PM_TMR_BLK is zero"), ACPICA marks it
	 * optional (tbfadt.c fadt_info_table) and Linux then simply does not
	 * register the acpi_pm clocksource (pmtmr_ioport stays 0 in
	 * acpi_parse_fadt()).  No PM2 block and no GPE blocks either.
	 */

	/* C2 and C3 are not supported: latencies above 100 and 1000 us. */
	f->p_lvl2_lat = 101;
	f->p_lvl3_lat = 1001;
	/*
	 * No RTC alarm indices and no century index: with CENTURY 0 Linux
	 * reads a two-digit year as 20xx (mc146818_get_time()), which needs
	 * nothing from the RTC model beyond registers 0-0xd.
	 */
	f->day_alrm = 0;
	f->mon_alrm = 0;
	f->century = 0;

	/*
	 * IA-PC boot flags (5.2.9.3): legacy ISA devices exist (the UART,
	 * the RTC, the 8259s), no 8042 (Linux then does not probe for one),
	 * a CMOS RTC (NO_CMOS_RTC clear), nothing VGA, and with no PCI
	 * devices neither MSI nor ASPM to enable.
	 */
	f->iapc_boot_arch = BOOT_LEGACY_DEVICES | BOOT_NO_VGA | BOOT_NO_MSI |
			    BOOT_NO_ASPM;

	/*
	 * WBINVD works and C1 (HLT) is supported; the power and sleep
	 * buttons are not fixed features (nor anything else: there are
	 * none).  FIX_RTC: the RTC's wake status is not in PM1 (there is
	 * no sleep state to wake from), so RTC_STS never sets (5.2.9 table
	 * 5.10, 4.8.3.1.1); RTC_EN still keeps what is written to it, as
	 * Linux's rtc-cmos enables it whatever this flag says.
	 */
	f->flags = FADT_WBINVD | FADT_PROC_C1 | FADT_PWR_BUTTON |
		   FADT_SLP_BUTTON | FADT_FIX_RTC | FADT_RESET_REG_SUP;

	/* 4.8.3.6: the reset register is 8 bits wide; PC's port 0xcf9. */
	gas_io(&f->reset_reg, ACPI_RESET_PORT, 1, GAS_ACCESS_BYTE);
	f->reset_value = ACPI_RESET_VALUE;

	acpi_header_sum(&f->h);
	return gpa;
}

static uint64_t build_madt(struct acpi_ctx *c, unsigned int nr_cpus)
{
	uint32_t len = sizeof(struct acpi_madt) +
		       nr_cpus * sizeof(struct madt_lapic) +
		       sizeof(struct madt_ioapic) +
		       2 * sizeof(struct madt_iso) +
		       sizeof(struct madt_lapic_nmi);
	uint64_t gpa = acpi_alloc(c, len, 16);
	struct madt_lapic_nmi *nmi;
	struct madt_ioapic *io;
	struct madt_lapic *la;
	struct acpi_madt *t;
	struct madt_iso *iso;
	unsigned int i;
	uint8_t *p;

	if (!gpa)
		return 0;
	t = acpi_host(c, gpa);
	/* Revision 5: the MADT of ACPI 6.3 and 6.4. */
	acpi_header_init(&t->h, "APIC", len, 5);
	t->lapic_address = LAPIC_ADDR;
	t->flags = MADT_PCAT_COMPAT;
	p = (uint8_t *)(t + 1);

	/* One local APIC per vCPU: UID and APIC ID are the vCPU index. */
	for (i = 0; i < nr_cpus; i++) {
		la = (struct madt_lapic *)p;
		la->type = MADT_TYPE_LAPIC;
		la->length = sizeof(*la);
		la->acpi_processor_uid = i;
		la->apic_id = i;
		la->flags = MADT_LAPIC_ENABLED;
		p += sizeof(*la);
	}

	/* The I/O APIC, inputs 0-23 as GSIs 0-23, its id after the CPUs'. */
	io = (struct madt_ioapic *)p;
	io->type = MADT_TYPE_IOAPIC;
	io->length = sizeof(*io);
	io->ioapic_id = nr_cpus;
	io->address = IOAPIC_ADDR;
	io->gsi_base = 0;
	p += sizeof(*io);

	/*
	 * The PIT's IRQ 0 is wired to input 2 of the I/O APIC on a PC; the
	 * flags conform to the ISA bus, edge and active high (5.2.12.5).
	 */
	iso = (struct madt_iso *)p;
	iso->type = MADT_TYPE_ISO;
	iso->length = sizeof(*iso);
	iso->bus = 0;
	iso->source = 0;
	iso->gsi = 2;
	iso->flags = MPS_INTI_CONFORMS;
	p += sizeof(*iso);

	/*
	 * The SCI is level triggered (5.2.9 SCI_INT: "sharable, level,
	 * active low" unless an override says otherwise); this one makes it
	 * active high, as QEMU's PIIX4 does.  Nothing raises it yet: no
	 * PM1 status bit is ever set by devices/acpi_pm.c.
	 */
	iso = (struct madt_iso *)p;
	iso->type = MADT_TYPE_ISO;
	iso->length = sizeof(*iso);
	iso->bus = 0;
	iso->source = ACPI_SCI_IRQ;
	iso->gsi = ACPI_SCI_IRQ;
	iso->flags = MPS_INTI_ACTIVE_HIGH | MPS_INTI_LEVEL;
	p += sizeof(*iso);

	/* NMI comes in on LINT1 of every local APIC, as on a PC. */
	nmi = (struct madt_lapic_nmi *)p;
	nmi->type = MADT_TYPE_LAPIC_NMI;
	nmi->length = sizeof(*nmi);
	nmi->acpi_processor_uid = 0xff;
	nmi->flags = MPS_INTI_CONFORMS;
	nmi->lint = 1;

	acpi_header_sum(&t->h);
	return gpa;
}

/* The XSDT (64-bit entries) or the RSDT (32-bit entries) over @tables. */
static uint64_t build_sdt(struct acpi_ctx *c, bool x, const uint64_t *tables,
			  unsigned int nr)
{
	unsigned int entry = x ? 8 : 4;
	uint32_t len = sizeof(struct acpi_header) + nr * entry;
	uint64_t gpa = acpi_alloc(c, len, 16);
	struct acpi_header *h;
	uint8_t *p;
	unsigned int i;

	if (!gpa)
		return 0;
	h = acpi_host(c, gpa);
	acpi_header_init(h, x ? "XSDT" : "RSDT", len, 1);
	p = (uint8_t *)(h + 1);
	/* The entries are not naturally aligned (they follow 36 bytes). */
	for (i = 0; i < nr; i++)
		memcpy(p + i * entry, &tables[i], entry);
	acpi_header_sum(h);
	return gpa;
}

static void build_rsdp(struct acpi_ctx *c, uint64_t gpa, uint64_t rsdt,
		       uint64_t xsdt)
{
	struct acpi_rsdp *r = acpi_host(c, gpa);

	memcpy(r->signature, "RSD PTR ", 8);
	memcpy(r->oem_id, ACPI_OEM_ID, 6);
	r->revision = 2;
	r->rsdt_address = (uint32_t)rsdt;
	r->length = sizeof(*r);
	r->xsdt_address = xsdt;
	/* 5.2.5.3: the first 20 bytes sum to 0, and so do all 36. */
	r->checksum = acpi_checksum(r, 20);
	r->extended_checksum = acpi_checksum(r, sizeof(*r));
}

/*
 * Build the ACPI tables for @nr_cpus vCPUs in guest RAM, overwriting all
 * of [ACPI_TABLES_START, ACPI_TABLES_END), and return the RSDP's address
 * in @rsdp_gpa (for boot_params.acpi_rsdp_addr; it is also where a guest
 * scanning the BIOS area for "RSD PTR " finds it, 5.2.5.1).
 *
 * Returns 0, -EINVAL for a CPU count the MADT cannot describe (0, or more
 * than ACPI_MAX_CPUS), or -ENOMEM when guest RAM does not cover the area
 * (less than 1 MiB of it).
 */
int acpi_build(struct guest_mem *m, unsigned int nr_cpus, uint64_t *rsdp_gpa)
{
	uint64_t facs, dsdt, fadt, madt, xsdt, rsdt, rsdp;
	struct acpi_ctx c;
	uint64_t tables[2];

	if (!nr_cpus || nr_cpus > ACPI_MAX_CPUS)
		return -EINVAL;
	c.base = gmem_ptr(m, ACPI_TABLES_START,
			  ACPI_TABLES_END - ACPI_TABLES_START);
	if (!c.base)
		return -ENOMEM;
	/* Nothing of what was in guest RAM shows through padding. */
	memset(c.base, 0, ACPI_TABLES_END - ACPI_TABLES_START);
	c.next = ACPI_TABLES_START;

	/* 5.2.5.1: the RSDP is on a 16-byte boundary in 0xe0000-0xfffff. */
	rsdp = acpi_alloc(&c, sizeof(struct acpi_rsdp), 16);
	facs = build_facs(&c);
	dsdt = build_dsdt(&c);
	fadt = facs && dsdt ? build_fadt(&c, facs, dsdt) : 0;
	madt = build_madt(&c, nr_cpus);
	if (!rsdp || !fadt || !madt)
		return -ENOMEM;
	/* The FADT first: ACPICA wants it, and some older parsers too. */
	tables[0] = fadt;
	tables[1] = madt;
	xsdt = build_sdt(&c, true, tables, 2);
	rsdt = build_sdt(&c, false, tables, 2);
	if (!xsdt || !rsdt)
		return -ENOMEM;
	build_rsdp(&c, rsdp, rsdt, xsdt);
	*rsdp_gpa = rsdp;
	return 0;
}
