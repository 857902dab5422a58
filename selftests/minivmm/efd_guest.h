/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What eventfd_test.c and its guests (guests/efd_*.S) agree on: ports,
 * addresses, the interrupt vector and the parameter block the test writes
 * at GUEST_DATA before a run.  Only #defines: the guests include it.
 */
#ifndef MINIVMM_EFD_GUEST_H
#define MINIVMM_EFD_GUEST_H

#define EFD_PORT	0x5f0			/* efd_pio: the OUTs */
#define EFD_MMIO	(GUEST_MMIO + 0x40)	/* efd_mmio: no slot there */
#define EFD_VECTOR	0x41			/* efd_irq: its one handler */

/* Values reported through PORT_REPORT. */
#define EFD_READY	0x52454459		/* efd_irq: APICs programmed */
#define EFD_DONE	0x444f4e45		/* efd_pio: all OUTs done */

/* The parameter block, 4-byte words at GUEST_DATA. */
#define EFD_P_N		(GUEST_DATA + 0x0)	/* OUTs/writes; interrupts to wait for */
#define EFD_P_PIN	(GUEST_DATA + 0x4)	/* I/O APIC pin to program, or ... */
#define EFD_NO_PIN	0xffffffff		/* ... none (MSIs only) */
#define EFD_P_LOW	(GUEST_DATA + 0x8)	/* its entry's low dword */
#define EFD_P_COUNT	(GUEST_DATA + 0xc)	/* interrupts taken, by the guest */

/* Local APIC and I/O APIC registers (SDM Vol. 3A Table 11-1; 82093AA 3.1). */
#define EFD_APIC_SVR	0xfee000f0
#define EFD_APIC_EOI	0xfee000b0
#define EFD_IOAPIC	0xfec00000
#define EFD_RTE_LEVEL	(1 << 15)

#endif /* MINIVMM_EFD_GUEST_H */
