/* SPDX-License-Identifier: GPL-2.0 */
/*
 * run.h: the parts of "vmctl run", grouped under the file that defines
 * them, as vmctl.h does for the rest of vmctl.
 *
 * The loaders and the device models are pure: they work on a buffer that
 * stands for guest RAM and on register structs, and never touch
 * /dev/minivmm, so tests/run_test.c exercises them on any machine.  Only
 * the accelerators issue ioctls (vm.c for /dev/minivmm, accel_kvm.c for
 * /dev/kvm, both behind struct vm_accel) and only vcpu_loop.c runs the
 * guest.
 *
 * Everything returns -errno (or a bool) and leaves printing to its caller,
 * except the device models' guest-visible output (the UART's stdout) and
 * the log of what the guest did that vmctl ignores (ioport.c).
 */
#ifndef VMCTL_RUN_H
#define VMCTL_RUN_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/minivmm.h>

#define KiB			(1ULL << 10)
#define MiB			(1ULL << 20)
#define GiB			(1ULL << 30)
#define TiB			(1ULL << 40)

/*
 * Guest RAM is one anonymous mapping.  Up to 3 GiB it sits at GPA 0; any
 * more goes at 4 GiB, leaving [3 GiB, 4 GiB) free as the window where a
 * PC has its MMIO and PCI holes, so a guest that probes there gets MMIO
 * exits, as on a real machine.
 */
#define GMEM_HOLE_START		(3 * GiB)
#define GMEM_HIGH_START		(4 * GiB)
/* One page-table page of PDPT entries maps 512 GiB; keep well inside. */
#define GMEM_MAX_SIZE		(256 * GiB)
#define GMEM_MIN_SIZE		(1 * MiB)
#define RUN_DEFAULT_MEM		(128 * MiB)
#define RUN_MAX_MODULES		16

/* --accel: what runs the guest */
enum run_accel {
	RUN_ACCEL_MINIVMM,	/* /dev/minivmm, the default */
	RUN_ACCEL_KVM,		/* /dev/kvm, the host's KVM, for comparison */
};

/* What "vmctl run" was asked to do (cmd_run.c parses it). */
struct run_opts {
	enum run_accel accel;
	bool exit_stats;			/* --exit-stats */
	uint64_t mem_size;
	unsigned int cpus;
	const char *cmdline;			/* NULL: none given */
	bool no_default_cmdline;		/* Linux: --cmdline is all */
	const char *initrd;			/* Linux: NULL for none */
	const char *modules[RUN_MAX_MODULES];
	unsigned int nr_modules;
	bool trace_exits;
	bool trace_boot;
	bool flat;
	uint64_t flat_addr;
	const char *image;
};

/* guest RAM as the loaders see it */
struct guest_mem {
	uint8_t *host;		/* all of it, low part first */
	uint64_t size;		/* bytes of RAM in all */
	uint64_t low_size;	/* bytes at GPA 0; the rest is at 4 GiB */
};

/* A file's contents, read whole (images are small next to guest RAM). */
struct run_file {
	const char *name;	/* as given on the command line */
	uint8_t *data;
	size_t size;
};

/* Where the loader wants the vCPU to start. */
struct boot_state {
	struct minivmm_regs regs;
	struct minivmm_sregs sregs;	/* on input: the vCPU's reset state */
	const char *mode;		/* "real", "protected", "long" */
};

/* Page ranges already taken in guest RAM, to place boot data around. */
#define LAYOUT_MAX_RANGES	64

struct boot_layout {
	struct {
		uint64_t start, end;	/* [start, end) */
	} used[LAYOUT_MAX_RANGES];
	unsigned int nr;
};

/* run_opts.c: the command line */
int run_parse_args(int argc, char **argv, struct run_opts *o, char *err,
		   size_t err_size);
int run_parse_size(const char *s, uint64_t *out);

/* guest_mem.c: guest RAM and placing things in it */
void gmem_init(struct guest_mem *m, uint8_t *host, uint64_t size);
void *gmem_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len);
uint64_t gmem_top(const struct guest_mem *m);
void layout_init(struct boot_layout *l);
int layout_reserve(struct boot_layout *l, uint64_t start, uint64_t len);
int layout_alloc(struct boot_layout *l, const struct guest_mem *m,
		 uint64_t len, uint64_t align, uint64_t min, uint64_t max,
		 uint64_t *gpa);
int run_read_file(const char *name, struct run_file *f);
void run_free_file(struct run_file *f);

/* boot/flat.c: a flat binary started in real mode (--flat ADDR) */
int load_flat(struct guest_mem *m, const struct run_file *img, uint64_t addr,
	      struct boot_state *bs);

/* boot/elf.c: ELF parsing for both loaders; a 64-bit ELF in long mode */
#define ELF_MAX_SEGS		32

struct elf_seg {
	uint64_t offset, filesz, memsz, paddr, vaddr;
};

struct elf_image {
	uint64_t entry;		/* e_entry, turned physical (see the file) */
	unsigned int nr_segs;
	struct elf_seg segs[ELF_MAX_SEGS];
};

bool elf_is_elf64(const struct run_file *img);
int elf_parse_segments(const struct run_file *img, bool is64,
		       struct elf_image *e);
int elf_parse(const struct run_file *img, bool is64, struct elf_image *e);
int elf_load_segments(struct guest_mem *m, const struct run_file *img,
		      const struct elf_image *e, struct boot_layout *l);
void boot_seg_flat(struct minivmm_segment *s, uint16_t sel, bool code,
		   bool long_mode);
void boot_seg_system(struct boot_state *bs);
int load_elf64(struct guest_mem *m, const struct run_file *img,
	       struct boot_state *bs);
int boot_long_mode(struct guest_mem *m, struct boot_layout *l, uint64_t entry,
		   struct boot_state *bs);

/* boot/multiboot.c: a Multiboot v1 kernel, as GRUB boots it */
#define MB_MAGIC		0x1BADB002u
#define MB_BOOT_MAGIC		0x2BADB002u
#define MB_SEARCH		8192

struct mb_header {
	uint32_t magic, flags, checksum;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr;
	uint32_t entry_addr;
};

int mb_find_header(const struct run_file *img, struct mb_header *h,
		   size_t *offset);
int mb_check(const struct run_file *img);
int load_multiboot(struct guest_mem *m, const struct run_file *img,
		   const char *cmdline, const struct run_file *mods,
		   unsigned int nr_mods, struct boot_state *bs);

/* boot/linux.c: a Linux bzImage or vmlinux, by the 64-bit boot protocol */
bool linux_is_bzimage(const struct run_file *img);
bool linux_is_vmlinux(const struct run_file *img);
const char *linux_default_cmdline(void);
char *linux_cmdline(const char *extra, bool no_default, uint32_t tsc_khz);
/* The longest tsc_early_khz= linux_cmdline() may add, for the checks. */
#define LINUX_CMDLINE_CLOCK_MAX	0xffffffffu
int linux_check(const struct run_file *img, uint64_t mem_size,
		const struct run_file *initrd, const char *cmdline,
		char *err, size_t err_size);
int load_linux(struct guest_mem *m, const struct run_file *img,
	       const struct run_file *initrd, const char *cmdline,
	       uint64_t rsdp_gpa, struct boot_state *bs);

/* boot/image.c: which loader an image is for, checked before any VM */
enum run_format {
	RUN_UNKNOWN,		/* none: the image is refused */
	RUN_FLAT,
	RUN_MULTIBOOT,
	RUN_ELF64,
	RUN_LINUX,
};

const char *run_format_name(enum run_format fmt);
const char *image_error(enum run_format fmt, int err);
int image_check(const struct run_file *img, bool flat, enum run_format *fmt,
		char *why, size_t why_size);

/* devices/uart.c: a 16550A UART with a receive FIFO and interrupts */
#define UART_FIFO_SIZE		16
#define UART_IRQ		4	/* COM1's ISA IRQ */

/* Sets the UART's interrupt output; called only when the level changes. */
typedef void (*uart_irq_fn)(void *opaque, bool level);
/* The receive FIFO has room again after uart_receive() was refused bytes. */
typedef void (*uart_room_fn)(void *opaque);
/*
 * Milestones of a guest's boot the UART can see, each given once, under
 * the UART's lock (the callback only reports them):
 * UART_EVENT_OUTPUT, the first byte the guest sends out; UART_EVENT_RX_ON,
 * the first time the guest enables the received-data interrupt, which a
 * Linux guest does when its console is first opened, as a tty: just
 * before it runs /init (console_on_rootfs(), init/main.c).
 */
enum uart_event {
	UART_EVENT_OUTPUT,
	UART_EVENT_RX_ON,
};
typedef void (*uart_event_fn)(void *opaque, enum uart_event ev);

struct uart16550 {
	/*
	 * Protects every field below.  Taken by the vCPU thread for each
	 * port access and by the input thread in uart_receive(); the irq
	 * callback runs under it (a leaf: it must not call the UART).
	 */
	pthread_mutex_t lock;
	uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
	uint8_t lsr_err;	/* LSR.OE until LSR is read */
	uint8_t msr_delta;	/* MSR bits 0-3 until MSR is read */
	uint8_t rx[UART_FIFO_SIZE];
	unsigned int rx_head, rx_count;
	bool thr_ipending;	/* THR empty interrupt pending */
	bool rx_backlog;	/* uart_receive() was refused bytes */
	bool irq_level;		/* the output as last given to irq */
	int out_fd;		/* where the guest's THR writes go */
	uart_irq_fn irq;
	void *irq_opaque;
	uart_room_fn room;
	void *room_opaque;
	uart_event_fn event;	/* milestones, for --trace-boot */
	void *event_opaque;
	bool said_output, said_rx;	/* each milestone is given once */
};

void uart_init(struct uart16550 *u, int out_fd, uart_irq_fn irq,
	       void *irq_opaque);
void uart_set_room_fn(struct uart16550 *u, uart_room_fn fn, void *opaque);
void uart_set_event_fn(struct uart16550 *u, uart_event_fn fn, void *opaque);
size_t uart_receive(struct uart16550 *u, const uint8_t *buf, size_t n);
uint8_t uart_read(struct uart16550 *u, unsigned int reg);
void uart_write(struct uart16550 *u, unsigned int reg, uint8_t val);

/* devices/debug_exit.c: QEMU's isa-debug-exit */
struct debug_exit {
	bool requested;
	int status;
};

void debug_exit_write(struct debug_exit *d, uint32_t val);

/* devices/fw_cfg.c: QEMU's fw_cfg, the legacy I/O port interface */
struct fw_cfg {
	uint16_t selector;
	uint32_t offset;	/* into the selected item */
	uint64_t ram_size;
	uint16_t nr_cpus;
};

void fw_cfg_init(struct fw_cfg *f, uint64_t ram_size, uint16_t nr_cpus);
void fw_cfg_select(struct fw_cfg *f, uint16_t key);
uint8_t fw_cfg_read(struct fw_cfg *f);

/* devices/pci.c: PCI configuration mechanism #1 with an empty bus */
struct pci_cfg {
	uint32_t address;	/* 0xcf8 */
};

uint32_t pci_read(struct pci_cfg *p, unsigned int port, unsigned int size);
void pci_write(struct pci_cfg *p, unsigned int port, unsigned int size,
	       uint32_t val);

/* devices/rtc.c: the MC146818 RTC and CMOS RAM (0x70, 0x71) */
typedef int64_t (*rtc_time_fn)(void *opaque);	/* UTC, seconds */

struct cmos_rtc {
	uint8_t index;		/* port 0x70, NMI mask bit dropped */
	uint8_t ram[128];	/* registers 0x00-0x0d, then CMOS RAM */
	int64_t offset;		/* guest time minus the time source's */
	rtc_time_fn now;
	void *now_opaque;
};

int64_t rtc_host_time(void *opaque);
void rtc_init(struct cmos_rtc *r, rtc_time_fn now, void *opaque);
void rtc_index_write(struct cmos_rtc *r, uint8_t val);
uint8_t rtc_data_read(struct cmos_rtc *r);
void rtc_data_write(struct cmos_rtc *r, uint8_t val);

/* devices/i8042.c: the keyboard controller, for its reset line */
struct i8042 {
	uint8_t ctr;		/* the command byte */
	uint8_t pending;	/* a command waiting for its data byte */
	uint8_t out;		/* the output buffer */
	bool out_full;
};

void i8042_init(struct i8042 *k);
uint8_t i8042_read(struct i8042 *k, unsigned int port);
bool i8042_write(struct i8042 *k, unsigned int port, uint8_t val);

/* devices/pic.c: the 8259A pair and the ELCR, which never interrupt */
struct i8259 {
	uint8_t imr;
	uint8_t icw_next;	/* 2, 3, 4: the next data write's ICW; 0 */
	bool icw4, single;	/* what ICW1 asked for */
	bool read_isr;		/* OCW3: the command port reads ISR, not IRR */
	uint8_t vector_base, cascade, mode;	/* ICW2, ICW3, ICW4 */
};

struct pic {
	struct i8259 chip[2];	/* master (0x20), slave (0xa0) */
	uint8_t elcr[2];	/* 0x4d0, 0x4d1 */
};

void pic_init(struct pic *p);
uint8_t pic_read(struct pic *p, uint16_t port);
void pic_write(struct pic *p, uint16_t port, uint8_t val);

/* devices/legacy.c: fixed answers (POST/delay ports, PIT, port 0x61) */
uint8_t legacy_read(uint16_t port);
void legacy_write(uint16_t port, uint8_t val);
/* devices/acpi_pm.c: ACPI PM1a event/control blocks, reset control 0xcf9 */
#define ACPI_PM1_EVT_BLK	0x600	/* PM1a_STS, then PM1a_EN */
#define ACPI_PM1_EVT_LEN	4
#define ACPI_PM1_CNT_BLK	0x604	/* PM1a_CNT */
#define ACPI_PM1_CNT_LEN	2
#define ACPI_RESET_PORT		0xcf9
#define ACPI_RESET_VALUE	0x06	/* RST_CPU | SYS_RST: a hard reset */
#define ACPI_SLP_TYP_S5		5	/* \_S5_'s SLP_TYPa, in the DSDT */
#define ACPI_SCI_IRQ		9	/* ISA IRQ and GSI of the SCI */

struct acpi_pm {
	uint16_t pm1_sts, pm1_en, pm1_cnt;
	uint8_t rst_cnt;	/* 0xcf9 */
	bool warned_sleep;	/* an unsupported SLP_TYP was reported */
};

struct machine;
uint32_t acpi_pm_read(struct machine *mc, unsigned int port,
		      unsigned int size);
void acpi_pm_write(struct machine *mc, unsigned int port, unsigned int size,
		   uint32_t val);
uint8_t acpi_reset_read(struct machine *mc);
void acpi_reset_write(struct machine *mc, uint8_t val);

/* tables/acpi.c: the ACPI tables (RSDP, XSDT, RSDT, FADT, FACS, DSDT, MADT) */
#define ACPI_TABLES_START	0xe0000ULL	/* the RSDP is here */
#define ACPI_TABLES_END		0x100000ULL
/* The I/O APIC's id follows the CPUs' and its ID register has 4 bits. */
#define ACPI_MAX_CPUS		15

int acpi_build(struct guest_mem *m, unsigned int nr_cpus, uint64_t *rsdp_gpa);

/* ioport.c: the port and MMIO map of the machine */

/*
 * How a device interrupts the guest: it sets the level of one I/O APIC
 * input (GSI; an ISA device's IRQ n is GSI n).  vm.c supplies the function
 * (MINIVMM_IRQ_LINE) when the VM has an irqchip; without one the call does
 * nothing.  Every device uses machine_set_irq(), never the ioctl itself.
 */
typedef void (*machine_irq_fn)(void *opaque, unsigned int gsi, bool level);

/* Why the machine wants the run to end (checked after every exit). */
enum machine_stop {
	MACHINE_RUNNING,
	MACHINE_POWER_OFF,	/* the guest powered off: vmctl exits 0 */
	MACHINE_RESET,		/* the guest asked for a reset */
	MACHINE_QUIT,		/* the person at the console asked to quit */
};

struct machine {
	machine_irq_fn irq;
	void *irq_opaque;
	volatile enum machine_stop stop;
	struct uart16550 uart;
	struct debug_exit debug_exit;
	struct fw_cfg fw_cfg;
	struct pci_cfg pci;
	struct cmos_rtc rtc;
	struct i8042 i8042;
	struct pic pic;
	struct acpi_pm acpi_pm;
	uint8_t logged_ports[65536 / 8];	/* unknown ports said once */
	uint64_t logged_mmio[64];
	unsigned int nr_logged_mmio;
};

void machine_init(struct machine *mc, uint64_t ram_size, unsigned int cpus,
		  int out_fd);
void machine_set_irq(struct machine *mc, unsigned int gsi, bool level);
void machine_request_stop(struct machine *mc, enum machine_stop why);
void machine_pio(struct machine *mc, uint16_t port, bool out, uint8_t *data,
		 unsigned int size);
void machine_mmio(struct machine *mc, uint64_t addr, bool write,
		  uint8_t *data, unsigned int len);

/* term.c: stdin as the UART's input, the terminal raw, Ctrl-A escapes */
#define TERM_RING_SIZE		4096	/* input the FIFO cannot take yet */
#define TERM_CMD_QUIT		0x1	/* Ctrl-A x */
#define TERM_CMD_HELP		0x2	/* Ctrl-A h */

struct term_escape {
	bool pending;		/* the last byte was a Ctrl-A */
};

struct term {
	struct machine *mc;
	pthread_t vcpu;		/* kicked on Ctrl-A x */
	pthread_t thread;	/* the input thread */
	int in_fd;		/* -1: no input */
	int wake[2];		/* pipe: the UART has room, or stop */
	bool tty;		/* in_fd is our terminal: raw, escapes */
	bool running;		/* the thread exists */
	bool handlers;		/* old_sa holds what to put back */
	bool stopping;		/* set by term_stop(), atomically */
	bool eof;		/* stdin is read no more */
	/* The input thread's own, untouched by others while it runs: */
	struct term_escape esc;
	uint8_t ring[TERM_RING_SIZE];
	size_t ring_head, ring_count;
	struct sigaction old_sa[9];
};

size_t term_escape_filter(struct term_escape *e, const uint8_t *in, size_t n,
			  uint8_t *out, unsigned int *cmds);
int term_start(struct term *t, struct machine *mc, int in_fd, pthread_t vcpu);
void term_stop(struct term *t);

/*
 * An exit as vcpu_loop.c sees it, whichever accelerator ran the guest.  The
 * accelerator fills it from its run page, reading each field there once;
 * vcpu_loop.c checks it (the I/O data against the run page, the MMIO
 * length) before use, for both.
 */
enum vm_exit_kind {
	VM_EXIT_IO,
	VM_EXIT_MMIO,
	VM_EXIT_HLT,
	VM_EXIT_SHUTDOWN,
	VM_EXIT_FAIL_ENTRY,
	VM_EXIT_INTERNAL_ERROR,
	VM_EXIT_INTR,		/* RUN returned 0 with it: enter again */
	VM_EXIT_UNKNOWN,	/* any other exit_reason */
};

#define VM_EXIT_INTERNAL_DATA	16

struct vm_exit {
	enum vm_exit_kind kind;
	uint32_t reason;	/* the run page's exit_reason (KVM's numbers) */
	union {
		struct {
			uint16_t port;
			bool out;
			uint8_t size;
			uint32_t count;
			uint64_t data_offset;	/* into the run page: unchecked */
		} io;
		struct {
			uint64_t addr;
			bool write;
			uint32_t len;		/* unchecked */
			uint8_t *data;		/* the run page's 8 bytes */
		} mmio;
		struct {
			uint64_t reason;
			uint32_t cpu;
		} fail_entry;
		struct {
			uint32_t suberror;
			uint32_t ndata;		/* unchecked */
			uint64_t data[VM_EXIT_INTERNAL_DATA];
		} internal;
		struct {
			uint64_t hardware_reason;
		} unknown;
	};
};

/* The guest's exits by kind, for --exit-stats. */
#define VM_EXIT_STATS_MAX	64
#define VM_EXIT_KIND_LEN	48

struct vm_exit_stats {
	uint64_t total;
	unsigned int nr;
	struct {
		char kind[VM_EXIT_KIND_LEN];
		uint64_t count;
	} kinds[VM_EXIT_STATS_MAX];
};

/* accel.c, vm.c, accel_kvm.c: the VM, its memory and its vCPU */
struct vm_accel;

struct vm {
	const struct vm_accel *accel;
	int sys_fd, vm_fd, vcpu_fd;
	void *run;		/* struct minivmm_run or struct kvm_run */
	size_t run_size;
	/* The run page's immediate_exit byte, for the signal handlers. */
	volatile uint8_t *immediate_exit;
	struct guest_mem mem;
	bool irqchip;		/* the kernel emulates the APICs */
	const char *failed_op;	/* what the last -errno came from */
};

/*
 * An accelerator: the kernel interface that runs the guest.  Every
 * function returns 0 or -errno with vm->failed_op naming the failed step;
 * struct vm's fds and run page are the accelerator's own.  The generic
 * vm_*() functions of accel.c call these; nothing else does.
 */
struct vm_accel {
	const char *name;	/* --accel's word */
	const char *display;	/* in messages: "minivmm", "KVM" */
	const char *source;	/* what sent an exit: "the module", "KVM" */
	/* Build the VM on vm->mem, already mapped by accel.c. */
	int (*create)(struct vm *vm, bool irqchip);
	/* Undo create(), in reverse; safe on a partly built VM. */
	void (*destroy)(struct vm *vm);
	int (*get_regs)(struct vm *vm, struct minivmm_regs *regs,
			struct minivmm_sregs *sregs);
	int (*set_regs)(struct vm *vm, const struct minivmm_regs *regs,
			const struct minivmm_sregs *sregs);
	/* Enter the guest: 0 with *exit filled, or -errno (-EINTR). */
	int (*run)(struct vm *vm, struct vm_exit *exit);
	void (*irq_line)(struct vm *vm, unsigned int gsi, bool level);
	int (*guest_clock)(struct vm *vm, bool *intel, uint32_t *tsc_khz);
	int (*exit_stats)(struct vm *vm, struct vm_exit_stats *st);
	/* Say why @op failed with @err, and the fix when known. */
	void (*explain)(int err, const char *op);
};

extern const struct vm_accel vm_accel_minivmm;	/* vm.c */
extern const struct vm_accel vm_accel_kvm;	/* accel_kvm.c */

/* accel.c: the generic side, dispatching to vm->accel */
int vm_create(struct vm *vm, const struct vm_accel *accel, uint64_t mem_size,
	      bool irqchip);
void vm_destroy(struct vm *vm);
void vm_explain(const struct vm *vm, int err);
void vm_connect_irqs(struct vm *vm, struct machine *mc);
int vm_guest_clock(struct vm *vm, bool *intel, uint32_t *tsc_khz);
int vm_get_boot_state(struct vm *vm, struct boot_state *bs);
int vm_set_boot_state(struct vm *vm, const struct boot_state *bs);
int vm_get_regs(struct vm *vm, struct minivmm_regs *regs,
		struct minivmm_sregs *sregs);
int vm_run(struct vm *vm, struct vm_exit *exit);
int vm_ioctl(struct vm *vm, int fd, unsigned long req, void *arg,
	     const char *op);
int vm_exit_stats(struct vm *vm, FILE *out);
void vm_exit_stats_print(const struct vm_exit_stats *st, FILE *out);
int vm_exit_stats_add(struct vm_exit_stats *st, const char *kind,
		      uint64_t count);
void vm_exit_from_mvm_run(struct minivmm_run *run, struct vm_exit *exit);

/* kvm_abi.c: KVM's structs to and from minivmm's, KVM's binary stats */
struct kvm_regs;
struct kvm_sregs;
struct kvm_cpuid2;
struct kvm_run;

#define KVM_PV_LEAF_FIRST	0x40000000u
#define KVM_PV_LEAF_LAST	0x400000ffu

void kvm_regs_from_mvm(struct kvm_regs *k, const struct minivmm_regs *m);
void kvm_regs_to_mvm(struct minivmm_regs *m, const struct kvm_regs *k);
void kvm_sregs_from_mvm(struct kvm_sregs *k, const struct minivmm_sregs *m);
void kvm_sregs_to_mvm(struct minivmm_sregs *m, const struct kvm_sregs *k);
void kvm_cpuid_filter(struct kvm_cpuid2 *c, bool tsc_deadline);
void kvm_exit_from_run(struct kvm_run *run, struct vm_exit *exit);
int kvm_stats_parse(const void *buf, size_t len, struct vm_exit_stats *st);

/* vcpu_loop.c: run the guest and service its exits */
/*
 * Sent to the vCPU thread to make it leave MINIVMM_RUN (KVM_RUN) after
 * another thread's machine_request_stop(); the handler sets the run page's
 * immediate_exit.
 */
#define VCPU_KICK_SIGNAL	SIGUSR1

int vcpu_loop(struct vm *vm, struct machine *mc, bool trace);
void vcpu_dump_regs(struct vm *vm);

#endif /* VMCTL_RUN_H */
