// SPDX-License-Identifier: GPL-2.0
/*
 * A seedable, structured ioctl fuzzer (fuzz.h; fuzz_ops.c, fuzz_vmm.c,
 * fuzz_gen.c; the irqchip in fuzz_irq.c, fuzz_lapic.c, fuzz_efd.c) and
 * the hostile-VMM cases that go with it:
 *
 *  - single_thread: one worker, a sequence replayable from the seed;
 *  - threads: four workers on three VMs, RUN in one while the others
 *    change slots, registers, MSRs, unmap guest memory and close fds,
 *    then process exit with workers still inside;
 *  - two_vmms: two such VMMs at once;
 *  - sigkill_storm: hundreds of VMMs killed with SIGKILL while their
 *    vCPU spins in RUN (module_test kills 50 across module reloads;
 *    these add a second thread waiting on the vCPU and kills at any
 *    moment of setup), each gone within a second;
 *  - munmap_while_running: guest memory unmapped or replaced while the
 *    guest writes to it;
 *  - rmmod_busy: every kind of live reference (system fd, VM fd, vCPU fd,
 *    run page mapping, a vCPU in RUN) keeps the module from unloading;
 *  - cpu_hotplug: the CPU a vCPU runs on goes offline and comes back,
 *    and the guest runs on throughout.
 *
 * Budget: about 40 s in the rig's QEMU (SVM), where the defaults give
 * about 190000 operations, and at most a minute and a half of wall time
 * in Bochs (VMX), where every operation costs tens of times more.
 *
 * Options: MINIVMM_FUZZ_SEED or -s SEED (default: from the time),
 * MINIVMM_FUZZ_OPS or -n OPS (fuzzer operations in all, split 40/40/20
 * over the three fuzz cases; default 200000 on SVM, 4000 on VMX, where
 * Bochs is far slower and its guest clock runs slow too, so only the op
 * count bounds it), MINIVMM_FUZZ_SECONDS or -t SECONDS (a time cap for
 * the three, split the same way; default 40: the debug kernel, slower,
 * meets it before the op count).  The seed is
 * printed first; a case prints the seed and ops it ran, and
 * "-s SEED -n OPS" replays single_thread (its seed is the run's).
 */
#include "kselftest_harness.h"

#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "minivmm_util.h"
#include "guest.h"
#include "fuzz.h"
#include "fuzz_gen.h"

static struct {
	uint64_t seed, ops;
	unsigned int seconds;
	bool svm;
	pid_t main_pid;
	/* Totals over the cases, which run in children: shared memory. */
	struct fz_shared *total;
	uint64_t *cycles;	/* sigkill_storm, munmap, hotplug iterations */
} opt;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void print_counts(const char *what, const struct fz_shared *sh)
{
	static const char *const exits[FZ_EXIT_NR] = {
		[MINIVMM_EXIT_IO] = "io", [MINIVMM_EXIT_HLT] = "hlt",
		[MINIVMM_EXIT_MMIO] = "mmio", [MINIVMM_EXIT_SHUTDOWN] = "shutdown",
		[MINIVMM_EXIT_FAIL_ENTRY] = "fail_entry",
		[MINIVMM_EXIT_INTERNAL_ERROR] = "internal_error",
		[MINIVMM_EXIT_INTR] = "intr",
	};
	char line[2048];
	size_t len = 0;
	int i;

	/* snprintf() returns what it would have written: stop when full. */
	for (i = 0; i < FZ_OP_NR && len < sizeof(line); i++)
		len += snprintf(line + len, sizeof(line) - len, " %s=%llu/%llu",
				fz_op_name(i), (unsigned long long)sh->calls[i],
				(unsigned long long)sh->errors[i]);
	printf("# fuzz: %s calls/errors:%s\n", what, line);
	line[0] = 0;
	len = 0;
	for (i = 0; i < FZ_EXIT_NR && len < sizeof(line); i++)
		if (sh->exits[i])
			len += snprintf(line + len, sizeof(line) - len, " %s=%llu",
					exits[i] ? exits[i] : "?",
					(unsigned long long)sh->exits[i]);
	printf("# fuzz: %s exits:%s%s svm_filtered=%llu svm_repaired=%llu\n", what,
	       line, len ? "" : " none", (unsigned long long)sh->svm_filtered,
	       (unsigned long long)sh->svm_repaired);
}

static void add_total(const struct fz_shared *sh)
{
	int i;

	for (i = 0; i < FZ_OP_NR; i++) {
		__atomic_add_fetch(&opt.total->calls[i], sh->calls[i], __ATOMIC_RELAXED);
		__atomic_add_fetch(&opt.total->errors[i], sh->errors[i], __ATOMIC_RELAXED);
	}
	for (i = 0; i < FZ_EXIT_NR; i++)
		__atomic_add_fetch(&opt.total->exits[i], sh->exits[i], __ATOMIC_RELAXED);
	__atomic_add_fetch(&opt.total->ops, sh->ops, __ATOMIC_RELAXED);
	__atomic_add_fetch(&opt.total->svm_filtered, sh->svm_filtered, __ATOMIC_RELAXED);
	__atomic_add_fetch(&opt.total->svm_repaired, sh->svm_repaired, __ATOMIC_RELAXED);
}

/* Each thread of @pid: its state and kernel stack, for a hang. */
static void show_threads(pid_t pid)
{
	char path[384], buf[4096];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stack", (int)pid, d->d_name);
		if (mvm_read_file(path, buf, sizeof(buf)) > 0)
			fprintf(stderr, "# task %s stack:\n%s", d->d_name, buf);
	}
	closedir(dir);
}

/* The operations done before a hang, oldest first; the hung one is next. */
static void show_last_ops(const struct fz_shared *sh)
{
	uint32_t i, end = sh->last_pos;
	char line[FZ_LAST_OPS * 20];
	size_t len = 0;

	for (i = end > FZ_LAST_OPS ? end - FZ_LAST_OPS : 0; i < end; i++)
		len += snprintf(line + len, sizeof(line) - len, " %s",
				fz_op_name(sh->last_ops[i % FZ_LAST_OPS]));
	fprintf(stderr, "# last operations:%s\n", line);
}

#define HANG_SECONDS	20

/*
 * Runs @n VMMs (fz_vmm() in child processes) at once and waits for them,
 * failing on a child that dies by a signal, reports a failure, or makes
 * no progress for HANG_SECONDS (the workers' own kick timer ends every RUN
 * within milliseconds, so a stall is a hang in the kernel).
 */
static void run_vmms(struct __test_metadata *_metadata, const char *name,
		     struct fz_config *cfg, int n)
{
	struct fz_shared *sh;
	uint64_t last[4] = { 0 };
	double t0 = now_s(), seen[4];
	int i, left = n, status;
	pid_t pid[4];

	sh = mmap(NULL, n * sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	memset(sh, 0, n * sizeof(*sh));
	for (i = 0; i < n; i++) {
		printf("# fuzz: %s[%d]: seed=%llu ops=%llu threads=%u seconds=%u\n",
		       name, i, (unsigned long long)cfg[i].seed,
		       (unsigned long long)cfg[i].ops, cfg[i].threads, cfg[i].seconds);
		fflush(stdout);
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (!pid[i]) {
			fz_vmm(&cfg[i], &sh[i]);
			_exit(sh[i].failed ? 1 : 0);
		}
		seen[i] = t0;
	}
	while (left) {
		usleep(20000);
		for (i = 0; i < n; i++) {
			if (!pid[i])
				continue;
			if (waitpid(pid[i], &status, WNOHANG) == pid[i]) {
				pid[i] = 0;
				left--;
				EXPECT_TRUE(WIFEXITED(status))
					TH_LOG("%s[%d]: the VMM died by signal %d after %llu ops",
					       name, i, WTERMSIG(status),
					       (unsigned long long)sh[i].ops);
				EXPECT_FALSE(sh[i].failed)
					TH_LOG("%s[%d]: %s", name, i, sh[i].why);
				continue;
			}
			if (sh[i].ops != last[i]) {
				last[i] = sh[i].ops;
				seen[i] = now_s();
			} else if (now_s() - seen[i] > HANG_SECONDS) {
				TH_LOG("%s[%d]: no progress for %d s at op %llu: hang",
				       name, i, HANG_SECONDS, (unsigned long long)sh[i].ops);
				show_last_ops(&sh[i]);
				show_threads(pid[i]);
				kill(pid[i], SIGKILL);
				waitpid(pid[i], &status, 0);
				pid[i] = 0;
				left--;
				EXPECT_TRUE(0);
			}
		}
	}
	for (i = 0; i < n; i++) {
		char what[64];

		snprintf(what, sizeof(what), "%s[%d]", name, i);
		printf("# fuzz: %s: seed=%llu ops=%llu in %.1f s\n", what,
		       (unsigned long long)cfg[i].seed, (unsigned long long)sh[i].ops,
		       now_s() - t0);
		print_counts(what, &sh[i]);
		add_total(&sh[i]);
	}
	munmap(sh, n * sizeof(*sh));
}

FIXTURE(fuzz) {
	struct mvm_kmsg kmsg;
};

FIXTURE_SETUP(fuzz)
{
	int r = mvm_kmsg_open(&self->kmsg);

	ASSERT_EQ(0, r) TH_LOG("cannot follow /dev/kmsg: %s", strerror(-r));
	r = guest_run_supported();
	if (r == -ENOTTY)
		SKIP(_exit(255), "MINIVMM_RUN: ENOTTY (no backend)");
	ASSERT_EQ(0, r) TH_LOG("MINIVMM_RUN probe: %s", strerror(-r));
}

/* The rig fails the run on any kernel report; this names the case too. */
FIXTURE_TEARDOWN(fuzz)
{
	char buf[8];

	/* cpu_hotplug, whatever happened to it, leaves CPU 1 online. */
	if (mvm_read_file("/sys/devices/system/cpu/cpu1/online", buf, sizeof(buf)) > 0 &&
	    buf[0] == '0')
		mvm_write_file("/sys/devices/system/cpu/cpu1/online", "1");
	EXPECT_EQ(0, mvm_kmsg_update(&self->kmsg));
	EXPECT_EQ(0, mvm_kmsg_count_bugs(&self->kmsg))
		TH_LOG("kernel reports during this case (seed %llu)",
		       (unsigned long long)opt.seed);
	mvm_kmsg_close(&self->kmsg);
}

/* 40% of the ops and the time, 40%, 20%. */
static void fuzz_config(struct fz_config *cfg, uint64_t seed, unsigned int pct,
			unsigned int threads, unsigned int vms)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->seed = seed;
	cfg->ops = opt.ops * pct / 100;
	cfg->seconds = (opt.seconds * pct + 99) / 100;
	cfg->threads = threads;
	cfg->vms = vms;
	cfg->svm = opt.svm;
}

TEST_F_TIMEOUT(fuzz, single_thread, 300)
{
	struct fz_config cfg;

	fuzz_config(&cfg, opt.seed, 40, 1, 2);
	run_vmms(_metadata, "single_thread", &cfg, 1);
}

TEST_F_TIMEOUT(fuzz, threads, 300)
{
	struct fz_config cfg;

	fuzz_config(&cfg, opt.seed + 1000, 40, 4, 3);
	run_vmms(_metadata, "threads", &cfg, 1);
}

TEST_F_TIMEOUT(fuzz, two_vmms, 300)
{
	struct fz_config cfg[2];

	fuzz_config(&cfg[0], opt.seed + 2000, 10, 2, 2);
	fuzz_config(&cfg[1], opt.seed + 3000, 10, 2, 2);
	run_vmms(_metadata, "two_vmms", cfg, 2);
}

/* SIGUSR1 to the calling thread from a timer; no SA_RESTART. */
static void nop_handler(int sig)
{
	(void)sig;
}

static timer_t kick_timer(void)
{
	struct sigaction sa = { .sa_handler = nop_handler };
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = SIGUSR1,
	};
	timer_t t = 0;

	sigaction(SIGUSR1, &sa, NULL);
	sev._sigev_un._tid = syscall(SYS_gettid);
	timer_create(CLOCK_MONOTONIC, &sev, &t);
	return t;
}

/* Then every millisecond, in case the first comes before RUN is entered. */
static void kick_after(timer_t t, long ms)
{
	struct itimerspec its = {
		.it_value.tv_sec = ms / 1000,
		.it_value.tv_nsec = ms % 1000 * 1000000L,
		.it_interval.tv_nsec = ms ? 1000000L : 0,
	};

	timer_settime(t, 0, &its, NULL);
}

static const uint8_t spin_code[] = { 0xeb, 0xfe };	/* jmp . */

static void *wait_on_vcpu(void *arg)
{
	struct minivmm_regs regs;

	for (;;)
		guest_get_regs(arg, &regs);
	return NULL;
}

/*
 * The storm's VMM: a guest spinning in real, protected or long mode; with
 * bit 2 of @variant a second thread waits for the vCPU (its ioctl sleeps
 * on the vCPU's mutex, killably).
 */
static void storm_child(int ready, unsigned int variant)
{
	struct guest g;
	pthread_t t;

	if (guest_open(&g))
		_exit(1);
	memcpy(g.mem + GUEST_CODE, spin_code, sizeof(spin_code));
	if (guest_set_mode(&g, variant % 3))
		_exit(1);
	if ((variant & 4) && pthread_create(&t, NULL, wait_on_vcpu, &g))
		_exit(1);
	if (write(ready, "r", 1) != 1)
		_exit(1);
	guest_run(&g);
	_exit(2);
}

/* Up to 1 s for @pid to be reaped after SIGKILL; returns the time taken. */
static double reap_within(pid_t pid, int *status, double limit)
{
	double t0 = now_s();

	while (waitpid(pid, status, WNOHANG) != pid) {
		if (now_s() - t0 > limit)
			return -1;
		usleep(500);
	}
	return now_s() - t0;
}

TEST_F_TIMEOUT(fuzz, sigkill_storm, 300)
{
	unsigned int i, n = opt.svm ? 300 : 40, kind;
	double t0 = now_s(), dt, slowest = 0;
	struct pollfd pfd;
	struct fz_rng rng;
	int p[2], status;
	pid_t pid;
	char c;

	fz_seed(&rng, opt.seed + 4000);
	for (i = 0; i < n; i++) {
		kind = fz_below(&rng, 16);
		ASSERT_EQ(0, pipe(p));
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			close(p[0]);
			storm_child(p[1], kind);
		}
		close(p[1]);
		/* Kinds 8-9: killed at any point of its setup. */
		if (kind >= 10) {
			pfd.fd = p[0];
			pfd.events = POLLIN;
			c = 0;
			if (poll(&pfd, 1, 10000) != 1 || read(p[0], &c, 1) != 1)
				c = 0;
			EXPECT_EQ('r', c) TH_LOG("cycle %u: the child VMM failed", i);
			usleep(fz_below(&rng, 3000));
		} else if (kind >= 8) {
			usleep(fz_below(&rng, 5000));
		} else {
			/* In RUN: ready, then a little time to get there. */
			c = 0;
			if (read(p[0], &c, 1) != 1)
				c = 0;
			EXPECT_EQ('r', c) TH_LOG("cycle %u: the child VMM failed", i);
			usleep(200 + fz_below(&rng, 2000));
		}
		/* Open until the child is gone: a write to no reader is SIGPIPE. */
		ASSERT_EQ(0, kill(pid, SIGKILL));
		dt = reap_within(pid, &status, 1.0);
		close(p[0]);
		if (dt < 0) {
			TH_LOG("cycle %u: the VMM is still there 1 s after SIGKILL", i);
			show_threads(pid);
			ASSERT_TRUE(0);
		}
		if (dt > slowest)
			slowest = dt;
		ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			TH_LOG("cycle %u (kind %u): status %#x", i, kind, status);
	}
	__atomic_add_fetch(opt.cycles, n, __ATOMIC_RELAXED);
	printf("# fuzz: sigkill_storm: seed=%llu cycles=%u in %.1f s, slowest death %.1f ms\n",
	       (unsigned long long)opt.seed + 4000, n, now_s() - t0, slowest * 1000);
	ASSERT_HW(MVM_HW_OFF, "after the storm");
}

/* Writes every page of GPA 1-2 MiB, forever (64-bit code). */
static const uint8_t write_loop[] = {
	0xb8, 0x00, 0x00, 0x10, 0x00,	/* mov $0x100000, %eax */
	0x89, 0x18,			/* 1: mov %ebx, (%rax) */
	0x05, 0x00, 0x10, 0x00, 0x00,	/* add $0x1000, %eax */
	0x25, 0xff, 0xff, 0x0f, 0x00,	/* and $0xfffff, %eax */
	0x0d, 0x00, 0x00, 0x10, 0x00,	/* or $0x100000, %eax */
	0xeb, 0xed,			/* jmp 1b */
};

struct runner {
	struct guest *g;
	volatile int stop;
	volatile int want_cpu;		/* >= 0: move there first */
	volatile uint64_t runs, efaults, marks;
	volatile int last_cpu;
	int bad_errno;			/* RUN failed with another errno */
	uint32_t bad_exit;		/* RUN ended with an unexpected exit */
	bool any_exit;			/* any exit of the ABI ends the loop */
	uint32_t last_exit;
};

/* RUN in a loop, kicked out every few ms, until told to stop. */
static void *runner(void *arg)
{
	struct runner *rn = arg;
	timer_t t = kick_timer();
	cpu_set_t set;
	int r, cpu;

	while (!rn->stop) {
		cpu = rn->want_cpu;
		if (cpu >= 0) {
			CPU_ZERO(&set);
			CPU_SET(cpu, &set);
			sched_setaffinity(0, sizeof(set), &set);
			rn->want_cpu = -1;
		}
		kick_after(t, 5);
		r = guest_run(rn->g);
		kick_after(t, 0);
		rn->runs++;
		if (r == -EFAULT) {
			rn->efaults++;
		} else if (r && r != -EINTR) {
			rn->bad_errno = -r;
			break;
		} else if (!r && rn->g->run->exit_reason == MINIVMM_EXIT_IO &&
			   rn->g->run->io.port == PORT_MARK) {
			rn->marks++;
			rn->last_cpu = sched_getcpu();
		} else if (!r) {
			rn->last_exit = rn->g->run->exit_reason;
			if (!rn->any_exit || rn->last_exit == MINIVMM_EXIT_INTR ||
			    rn->last_exit == MINIVMM_EXIT_UNKNOWN || rn->last_exit > 17)
				rn->bad_exit = rn->last_exit;
			break;
		}
	}
	timer_delete(t);
	return NULL;
}

/*
 * Guest memory unmapped (the range then reserved PROT_NONE, so nothing
 * else of this process lands there), replaced by fresh memory, or made
 * read-only while the guest writes to it.  RUN may return EFAULT, keep
 * going on the pages it holds, or end in any exit of the ABI (fresh
 * zeroed memory is no code and no page tables: a SHUTDOWN, say);
 * afterwards the slot, deleted and added again over fresh memory, runs a
 * guest to HLT.
 */
TEST_F_TIMEOUT(fuzz, munmap_while_running, 300)
{
	unsigned int i, n = opt.svm ? 30 : 6;
	struct runner rn;
	struct guest g;
	pthread_t th;
	uint64_t efaults = 0;
	double t0 = now_s();
	timer_t t = kick_timer();
	int r;

	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, guest_open(&g));
		memcpy(g.mem + GUEST_CODE, write_loop, sizeof(write_loop));
		ASSERT_EQ(0, guest_set_mode(&g, GUEST_LONG64));
		memset(&rn, 0, sizeof(rn));
		rn.g = &g;
		rn.want_cpu = -1;
		rn.any_exit = true;
		ASSERT_EQ(0, pthread_create(&th, NULL, runner, &rn));
		usleep(2000 + 1000 * (i % 8));
		switch (i % 3) {
		case 0:
			ASSERT_EQ(0, munmap(g.mem, g.mem_size));
			ASSERT_EQ(g.mem, mmap(g.mem, g.mem_size, PROT_NONE,
					      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
					      -1, 0));
			break;
		case 1:
			ASSERT_EQ(g.mem, mmap(g.mem, g.mem_size, PROT_READ | PROT_WRITE,
					      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
			break;
		default:
			ASSERT_EQ(0, mprotect(g.mem, g.mem_size, PROT_READ));
			break;
		}
		usleep(5000);
		rn.stop = 1;
		pthread_join(th, NULL);
		EXPECT_EQ(0, rn.bad_errno) TH_LOG("cycle %u: RUN: %s", i, strerror(rn.bad_errno));
		EXPECT_EQ(0, rn.bad_exit) TH_LOG("cycle %u: exit %u", i, rn.bad_exit);
		efaults += rn.efaults;

		/* Fresh memory under a re-created slot: the guest works again. */
		ASSERT_EQ(g.mem, mmap(g.mem, g.mem_size, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
		ASSERT_EQ(0, guest_set_slot(g.vm, 0, 0, 0, 0, g.mem));
		ASSERT_EQ(0, guest_set_slot(g.vm, 0, 0, 0, g.mem_size, g.mem));
		g.mem[GUEST_CODE] = 0xf4;	/* hlt */
		ASSERT_EQ(0, guest_set_mode(&g, GUEST_LONG64));
		kick_after(t, 2000);
		r = guest_run(&g);
		kick_after(t, 0);
		EXPECT_EQ(0, r) TH_LOG("cycle %u: RUN after the slot came back: %s",
				       i, strerror(-r));
		if (!r)
			EXPECT_EQ(MINIVMM_EXIT_HLT, g.run->exit_reason) guest_dump(&g);
		guest_close(&g);
	}
	timer_delete(t);
	__atomic_add_fetch(opt.cycles, n, __ATOMIC_RELAXED);
	printf("# fuzz: munmap_while_running: cycles=%u efaults=%llu in %.1f s\n",
	       n, (unsigned long long)efaults, now_s() - t0);
}

/*
 * A mapping of the page after the run page (offset 1) is refused with
 * EINVAL (Documentation/api.rst), also where it would extend a run page
 * mapping: there the kernel's VMA code merges it into that mapping
 * without calling minivmm's mmap, unless the mapping is VM_DONTEXPAND
 * (or the like), as the fuzzer found.  The page faults with SIGBUS.
 */
TEST_F(fuzz, run_page_offset_refused)
{
	struct guest g;
	uint8_t *p, *q;
	long page = sysconf(_SC_PAGESIZE);

	ASSERT_EQ(0, guest_open(&g));
	/* Two free pages; the run page goes in the lower one. */
	q = mmap(NULL, 2 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, q);
	ASSERT_EQ(0, munmap(q, 2 * page));
	ASSERT_EQ(q, mmap(q, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED_NOREPLACE,
			  g.vcpu, 0));
	errno = 0;
	p = mmap(q + page, page, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED_NOREPLACE, g.vcpu, page);
	EXPECT_EQ(MAP_FAILED, p) TH_LOG("offset %ld mapped after the run page", page);
	EXPECT_EQ(EINVAL, errno);
	if (p != MAP_FAILED)
		munmap(p, page);
	munmap(q, page);
	guest_close(&g);
}

static int try_unload(void)
{
	return syscall(__NR_delete_module, "minivmm", O_NONBLOCK) ? -errno : 0;
}

static int reload(void)
{
	int i;

	if (system("modprobe minivmm"))
		return -ENOEXEC;
	for (i = 0; i < 500 && !mvm_path_exists(MVM_DEV_PATH); i++)
		usleep(10000);
	return mvm_path_exists(MVM_DEV_PATH) ? 0 : -ENODEV;
}

/* Neither delete_module() nor busybox rmmod may unload minivmm now. */
static void expect_pinned(struct __test_metadata *_metadata, const char *holder,
			  bool have_rmmod)
{
	int r = try_unload();

	if (!r) {
		TH_LOG("minivmm unloaded while only %s held it (reload: %d)",
		       holder, reload());
		EXPECT_TRUE(0);
		return;
	}
	EXPECT_TRUE(r == -EWOULDBLOCK || r == -EBUSY)
		TH_LOG("delete_module with %s: %s", holder, strerror(-r));
	if (have_rmmod) {
		EXPECT_NE(0, system("rmmod minivmm 2>/dev/null"))
			TH_LOG("rmmod succeeded with %s", holder);
		if (!mvm_path_exists(MVM_MODULE_PATH))
			EXPECT_EQ(0, reload());
	}
}

TEST_F_TIMEOUT(fuzz, rmmod_busy, 120)
{
	bool have_rmmod = !system("command -v rmmod >/dev/null 2>&1");
	struct runner rn = { .want_cpu = -1 };
	struct guest g;
	pthread_t th;
	int sys;

	if (geteuid() || !mvm_path_exists(MVM_MODULE_PATH))
		SKIP(return, "needs root and minivmm as a module");

	sys = mvm_open_dev();
	ASSERT_LE(0, sys);
	expect_pinned(_metadata, "a system fd", have_rmmod);
	close(sys);

	ASSERT_EQ(0, guest_open(&g));
	memcpy(g.mem + GUEST_CODE, spin_code, sizeof(spin_code));
	ASSERT_EQ(0, guest_set_mode(&g, GUEST_LONG64));
	rn.g = &g;
	ASSERT_EQ(0, pthread_create(&th, NULL, runner, &rn));
	usleep(5000);
	expect_pinned(_metadata, "a vCPU in RUN", have_rmmod);
	rn.stop = 1;
	pthread_join(th, NULL);

	close(g.sys);
	g.sys = -1;
	close(g.vcpu);
	g.vcpu = -1;
	expect_pinned(_metadata, "a VM fd and a run page", have_rmmod);
	close(g.vm);
	g.vm = -1;
	expect_pinned(_metadata, "a run page mapping", have_rmmod);
	guest_close(&g);
	ASSERT_HW(MVM_HW_OFF, "every fd and mapping gone");

	ASSERT_EQ(0, guest_open(&g));
	close(g.sys);
	g.sys = -1;
	close(g.vm);
	g.vm = -1;
	munmap(g.run, g.run_size);
	g.run = MAP_FAILED;
	expect_pinned(_metadata, "a vCPU fd", have_rmmod);
	guest_close(&g);
	ASSERT_HW(MVM_HW_OFF);
}

#define CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"

/* 64-bit: an OUT to PORT_MARK every 64 Ki iterations of a counting loop. */
static const uint8_t mark_loop[] = {
	0xff, 0xc1,				/* 1: inc %ecx */
	0xf7, 0xc1, 0xff, 0xff, 0x00, 0x00,	/* test $0xffff, %ecx */
	0x75, 0xf6,				/* jnz 1b */
	0xe7, PORT_MARK,			/* out %eax, $PORT_MARK */
	0xeb, 0xf2,				/* jmp 1b */
};

/* Waits up to @s seconds for a new mark (on @cpu if >= 0). */
static bool progress(struct runner *rn, int cpu, double s)
{
	uint64_t m = rn->marks;
	double t0 = now_s();

	while (now_s() - t0 < s && !rn->bad_errno && !rn->bad_exit) {
		if (rn->marks > m + 1 && (cpu < 0 || rn->last_cpu == cpu))
			return true;
		usleep(2000);
	}
	return false;
}

/*
 * CPU 1 goes offline under a vCPU pinned to it, in the guest (the kernel
 * moves the thread; minivmm turns VMX/SVM off on the CPU), then online
 * again (on again), and the guest runs on it again.
 */
TEST_F_TIMEOUT(fuzz, cpu_hotplug, 300)
{
	unsigned int i, n = opt.svm ? 4 : 2;
	struct runner rn = { .want_cpu = 1 };
	struct guest g;
	pthread_t th;
	double t0 = now_s();
	int r;

	if (!mvm_path_exists(CPU1_ONLINE) || sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "no CPU 1 to take offline");
	ASSERT_EQ(0, guest_open(&g));
	memcpy(g.mem + GUEST_CODE, mark_loop, sizeof(mark_loop));
	ASSERT_EQ(0, guest_set_mode(&g, GUEST_LONG64));
	rn.g = &g;
	ASSERT_EQ(0, pthread_create(&th, NULL, runner, &rn));
	for (i = 0; i < n; i++) {
		EXPECT_TRUE(progress(&rn, 1, 20)) TH_LOG("cycle %u: no progress on CPU 1", i);
		r = mvm_write_file(CPU1_ONLINE, "0");
		EXPECT_EQ(0, r) TH_LOG("cycle %u: offline: %s", i, strerror(-r));
		EXPECT_TRUE(progress(&rn, 0, 20)) TH_LOG("cycle %u: no progress with CPU 1 offline", i);
		EXPECT_HW(MVM_HW_ON, "cycle %u, CPU 1 offline", i);
		r = mvm_write_file(CPU1_ONLINE, "1");
		EXPECT_EQ(0, r) TH_LOG("cycle %u: online: %s", i, strerror(-r));
		EXPECT_HW(MVM_HW_ON, "cycle %u, CPU 1 back", i);
		rn.want_cpu = 1;
		if (rn.bad_errno || rn.bad_exit)
			break;
	}
	EXPECT_TRUE(progress(&rn, 1, 20)) TH_LOG("no progress on CPU 1 at the end");
	rn.stop = 1;
	pthread_join(th, NULL);
	EXPECT_EQ(0, rn.bad_errno) TH_LOG("RUN: %s", strerror(rn.bad_errno));
	EXPECT_EQ(0, rn.bad_exit) TH_LOG("exit %u", rn.bad_exit);
	guest_close(&g);
	__atomic_add_fetch(opt.cycles, n, __ATOMIC_RELAXED);
	printf("# fuzz: cpu_hotplug: cycles=%u marks=%llu in %.1f s\n", n,
	       (unsigned long long)rn.marks, now_s() - t0);
}

static void print_totals(void)
{
	if (getpid() != opt.main_pid)
		return;
	printf("# fuzz: seed=%llu ops=%llu cycles=%llu (all cases)\n",
	       (unsigned long long)opt.seed, (unsigned long long)opt.total->ops,
	       (unsigned long long)*opt.cycles);
	print_counts("all", opt.total);
}

static uint64_t option(const char *env, const char *arg, uint64_t def)
{
	const char *v = arg ? arg : getenv(env);

	return v && *v ? strtoull(v, NULL, 0) : def;
}

int main(int argc, char **argv)
{
	const char *s = NULL, *n = NULL, *t = NULL;
	long vendor = 0;
	int c, sys;

	while ((c = getopt(argc, argv, "s:n:t:")) != -1) {
		switch (c) {
		case 's': s = optarg; break;
		case 'n': n = optarg; break;
		case 't': t = optarg; break;
		default:
			fprintf(stderr, "usage: %s [-s SEED] [-n OPS] [-t SECONDS]\n", argv[0]);
			return 2;
		}
	}
	sys = mvm_open_dev();
	if (sys >= 0) {
		vendor = mvm_check_extension(sys, MINIVMM_CAP_VENDOR);
		close(sys);
	}
	opt.svm = vendor == MINIVMM_VENDOR_AMD_SVM;
	opt.seed = option("MINIVMM_FUZZ_SEED", s, (uint64_t)time(NULL) ^
			  ((uint64_t)getpid() << 32));
	opt.ops = option("MINIVMM_FUZZ_OPS", n, opt.svm ? 200000 : 4000);
	opt.seconds = option("MINIVMM_FUZZ_SECONDS", t, 40);
	opt.main_pid = getpid();
	opt.total = mmap(NULL, sizeof(*opt.total) + sizeof(uint64_t),
			 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (opt.total == MAP_FAILED)
		return 1;
	opt.cycles = (uint64_t *)(opt.total + 1);
	/* First, so that any failure below can be replayed. */
	printf("# fuzz: seed=%llu ops=%llu seconds=%u vendor=%s\n",
	       (unsigned long long)opt.seed, (unsigned long long)opt.ops,
	       opt.seconds, opt.svm ? "svm" : vendor == MINIVMM_VENDOR_INTEL_VMX ?
	       "vmx" : "none");
	fflush(stdout);
	atexit(print_totals);
	return test_harness_run(argc, argv);
}
