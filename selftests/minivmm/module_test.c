// SPDX-License-Identifier: GPL-2.0
/*
 * The module's own lifetime.  An open VM pins the module: rmmod must fail
 * while one exists, or the VM's file operations would run from freed code.
 * Loading and unloading must give back everything: fifty cycles of
 * modprobe, a VM (which turns VMX/SVM on), close and rmmod must not grow
 * unreclaimable slab or the pages in use by more than a small bound, must
 * leave no vmalloc area behind, and must not make the kernel warn.
 *
 * The same cycles again with a VMM killed by SIGKILL while its vCPU spins
 * in the guest: the VM must go with the process and leave nothing behind.
 *
 * In the rig's VMX machine only the second set runs (see load_unload_cycles).
 *
 * This program unloads minivmm; run.sh runs it last, and it leaves the
 * module loaded for whatever runs after it.
 */
#include "kselftest_harness.h"

#include <dirent.h>
#include <linux/membarrier.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "minivmm_util.h"
#include "guest.h"

#define CYCLES		50
#define WARMUP_CYCLES	2

/*
 * Leak bounds.  The smallest leak worth catching is one page-sized object
 * per cycle (the VMXON region, the SVM host save area and the VMCS/VMCB are
 * a page each): 200 kB over the CYCLES cycles, 100 kB a half.  Memory is
 * read (settled, best of three) before the cycles, after half of them and
 * at the end.
 *
 * Unreclaimable slab read up to ~100 kB apart between two settled readings
 * milliseconds apart (partially used slabs, per-CPU caches) but never grew
 * by 64 kB in both halves, so a leak there is growth of SLAB_HALF_BOUND_KB
 * or more in each half.
 *
 * The pages in use are noisier: every module load costs the kernel a little
 * whoever the module is (page tables for new module addresses, direct-map
 * splits when module text is made read-only), and a half can read 150 kB
 * low or high.  Measured without a leak: 28-216 kB over the cycles under
 * QEMU, a one-off ~280 kB under Bochs.  With a page leaked per VM (built
 * on purpose): 264-444 kB in load_unload_cycles, 440-544 kB in
 * killed_vmm_cycles (two VMs a cycle).  So the bound is on the whole
 * growth, and a leak of one page a cycle sits at its edge: two or more are
 * caught.  Slab objects leaked are also caught by kmemleak in the debug
 * run.
 *
 * A growth past the bound is confirmed before it counts: half as many
 * cycles again, and the second half with them must pass the bound too.  A
 * leak grows in every window; a one-off cost does not (a fresh clone's
 * stock SVM run read 324 kB in the first half, then 8 kB, the direct map
 * split by 4 MB meanwhile).
 */
#define SLAB_HALF_BOUND_KB	64
#define PAGES_BOUND_KB		320

FIXTURE(module) {
	struct mvm_kmsg kmsg;
};

static int delete_module(const char *name)
{
	/* What rmmod does: fail at once rather than wait for users. */
	return syscall(__NR_delete_module, name, O_NONBLOCK);
}

static bool module_loaded(void)
{
	return mvm_path_exists(MVM_MODULE_PATH);
}

/*
 * modprobe minivmm, then wait for devtmpfs to show the device.  Returns 0,
 * -ENOEXEC when modprobe failed (it says why itself), or -ENODEV.
 */
static int load_module(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int i;

	if (system("modprobe minivmm"))
		return -ENOEXEC;
	for (i = 0; i < 500; i++) {
		if (mvm_path_exists(MVM_DEV_PATH))
			return 0;
		nanosleep(&ts, NULL);
	}
	return -ENODEV;
}

static const char *load_error(int r)
{
	return r == -ENOEXEC ? "modprobe minivmm failed" :
	       r == -ENODEV ? "no " MVM_DEV_PATH " 5 s after modprobe" : "?";
}

FIXTURE_SETUP(module)
{
	int r, fd;

	self->kmsg.fd = -1;
	if (!module_loaded()) {
		r = load_module();
		ASSERT_EQ(0, r) TH_LOG("%s", load_error(r));
	}
	fd = mvm_open_dev();
	ASSERT_LE(0, fd) TH_LOG("cannot open %s: %s (is minivmm loaded?)",
				MVM_DEV_PATH, strerror(-fd));
	close(fd);
	ASSERT_HW(MVM_HW_OFF);
	r = mvm_kmsg_open(&self->kmsg);
	ASSERT_EQ(0, r) TH_LOG("cannot follow /dev/kmsg: %s", strerror(-r));
}

/* Whatever happened, leave minivmm loaded for the tests that follow. */
FIXTURE_TEARDOWN(module)
{
	int r = 0;

	/* No message on the EXPECT: see conflict_test.c's teardown. */
	if (!module_loaded())
		r = load_module();
	if (r)
		TH_LOG("cannot reload minivmm: %s", load_error(r));
	EXPECT_EQ(0, r);
	mvm_kmsg_close(&self->kmsg);
}

static long module_refcnt(struct __test_metadata *_metadata)
{
	long refcnt = -1;
	int r = mvm_read_long(MVM_MODULE_PATH "/refcnt", &refcnt);

	ASSERT_EQ(0, r) TH_LOG("%s/refcnt: %s", MVM_MODULE_PATH, strerror(-r));
	return refcnt;
}

TEST_F_TIMEOUT(module, vm_fd_pins_module, 120)
{
	int sys_fd, vm, status;

	sys_fd = mvm_open_dev();
	ASSERT_LE(0, sys_fd) TH_LOG("%s: %s", MVM_DEV_PATH, strerror(-sys_fd));
	vm = mvm_create_vm(sys_fd);
	ASSERT_LE(0, vm) TH_LOG("MINIVMM_CREATE_VM: %s", strerror(errno));
	/* Only the VM fd is left to hold the module. */
	ASSERT_EQ(0, close(sys_fd));

	EXPECT_LT(0, module_refcnt(_metadata));
	errno = 0;
	EXPECT_EQ(-1, delete_module("minivmm"));
	EXPECT_EQ(EWOULDBLOCK, errno) TH_LOG("delete_module: %s", strerror(errno));
	status = system("rmmod minivmm 2>/dev/null");
	EXPECT_NE(0, status) TH_LOG("rmmod succeeded with a VM open");
	ASSERT_TRUE(module_loaded()) TH_LOG("the module went away under an open VM");
	ASSERT_HW(MVM_HW_ON);

	ASSERT_EQ(0, close(vm));
	ASSERT_HW(MVM_HW_OFF);
	EXPECT_EQ(0, module_refcnt(_metadata));
	ASSERT_EQ(0, delete_module("minivmm"))
		TH_LOG("delete_module after the last VM closed: %s", strerror(errno));
	EXPECT_FALSE(module_loaded());
	EXPECT_FALSE(mvm_path_exists("/sys/class/misc/minivmm"));

	ASSERT_EQ(0, load_module()) TH_LOG("cannot reload minivmm");
	ASSERT_HW(MVM_HW_OFF);
}

/*
 * Settling before a memory reading: let RCU callbacks and deferred frees run
 * (files, task stacks and a module's init section are freed after a grace
 * period), drop reclaimable caches, and make SLUB give back its empty slabs,
 * so the numbers compared are what is really allocated.
 *
 * No sleeping by the second: in Bochs the guest clock runs far slower than
 * the wall clock, and a one-second sleep costs minutes.  MEMBARRIER_CMD_GLOBAL
 * waits for an RCU grace period instead (synchronize_rcu()); a few of them
 * and a short pause let the callbacks they release run.
 */
static void settle_memory(void)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	char path[512];
	struct dirent *d;
	DIR *dir;
	int i;

	for (i = 0; i < 3; i++) {
		syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
		nanosleep(&pause, NULL);
	}
	sync();
	mvm_write_file("/proc/sys/vm/drop_caches", "3");
	dir = opendir("/sys/kernel/slab");
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", d->d_name);
		mvm_write_file(path, "1");
	}
	closedir(dir);
}

/* Reads one "Name:  N kB" line of /proc/meminfo; returns kB or -errno. */
static long meminfo_kb(const char *name)
{
	char line[256];
	size_t len = strlen(name);
	long kb = -ENOENT;
	FILE *f;

	f = fopen("/proc/meminfo", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, len) && line[len] == ':') {
			kb = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return kb;
}

/*
 * Free pages, counting those parked on the per-CPU free lists: MemFree
 * leaves those out, and they come and go by hundreds.  Returns kB or -errno.
 */
static long free_kb(void)
{
	long pages = -1, count;
	char line[256];
	FILE *f;

	f = fopen("/proc/vmstat", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "nr_free_pages %ld", &pages) == 1)
			break;
	fclose(f);
	if (pages < 0)
		return -ENOENT;

	f = fopen("/proc/zoneinfo", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %ld", &count) == 1)
			pages += count;
	fclose(f);
	return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

#define MEMINFO_MAX	80

/* All of /proc/meminfo, to show where the memory went when a check fails. */
struct meminfo {
	int n;
	char name[MEMINFO_MAX][32];
	long kb[MEMINFO_MAX];
};

static void meminfo_read(struct meminfo *mi)
{
	char line[256];
	FILE *f;

	mi->n = 0;
	f = fopen("/proc/meminfo", "re");
	if (!f)
		return;
	while (mi->n < MEMINFO_MAX && fgets(line, sizeof(line), f))
		if (sscanf(line, "%31[^:]: %ld", mi->name[mi->n], &mi->kb[mi->n]) == 2)
			mi->n++;
	fclose(f);
}

/* Prints the fields that moved by at least 16 kB between two snapshots. */
static void meminfo_print_changes(const struct meminfo *a, const struct meminfo *b)
{
	int i;

	for (i = 0; i < a->n && i < b->n; i++) {
		long d = b->kb[i] - a->kb[i];

		if (strcmp(a->name[i], b->name[i]) || (d < 16 && d > -16))
			continue;
		fprintf(stderr, "#   meminfo %s: %ld -> %ld kB (%+ld)\n",
			a->name[i], a->kb[i], b->kb[i], d);
	}
}

struct mem_reading {
	long sunreclaim_kb;
	long free_kb;
	struct meminfo all;	/* the last of the three readings */
};

/* The best of three settled readings: the least slab, the most free. */
static void read_memory(struct __test_metadata *_metadata, struct mem_reading *m)
{
	long s, f;
	int i;

	m->sunreclaim_kb = LONG_MAX;
	m->free_kb = 0;
	for (i = 0; i < 3; i++) {
		settle_memory();
		s = meminfo_kb("SUnreclaim");
		f = free_kb();
		ASSERT_LE(0, s) TH_LOG("SUnreclaim: %s", strerror(-s));
		ASSERT_LE(0, f) TH_LOG("free pages: %s", strerror(-f));
		if (s < m->sunreclaim_kb)
			m->sunreclaim_kb = s;
		if (f > m->free_kb)
			m->free_kb = f;
	}
	meminfo_read(&m->all);
}

struct vmalloc_census {
	int ours;	/* areas whose caller is in minivmm */
	int orphans;	/* areas whose caller no loaded code contains */
	long ours_bytes;
};

/*
 * /proc/vmallocinfo names each area's caller with %pS.  While minivmm is
 * loaded its areas read "func+0x../0x.. [minivmm]"; once it is gone, an
 * area it leaked can no longer be named and reads as a bare "0x..."
 * address, so after the unload those orphans are what to count.
 */
static int vmalloc_census(struct vmalloc_census *c)
{
	char *line = NULL, range[128], size[32], caller[256];
	size_t cap = 0;
	FILE *f;

	memset(c, 0, sizeof(*c));
	f = fopen("/proc/vmallocinfo", "re");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%127s %31s %255s", range, size, caller) != 3)
			continue;
		if (strstr(line, "[minivmm]")) {
			c->ours++;
			c->ours_bytes += strtol(size, NULL, 10);
		}
		if (!strncmp(caller, "0x", 2))
			c->orphans++;
	}
	free(line);
	fclose(f);
	return 0;
}

/* Prints a file of /proc/PID to stderr, each line as a TAP comment. */
static void show_proc(pid_t pid, const char *name)
{
	char path[64], buf[4096], *line, *save;
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	len = mvm_read_file(path, buf, sizeof(buf));
	if (len < 0) {
		fprintf(stderr, "#   %s: %s\n", path, strerror(-len));
		return;
	}
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		fprintf(stderr, "#   %s: %s\n", path, line);
}

/*
 * waitpid() for at most 10 s.  Returns @pid, or 0 after printing where the
 * child is stuck (its state, wait channel and kernel stack).
 */
static pid_t reap(pid_t pid, int *status)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	pid_t r;
	int i;

	for (i = 0; i < 1000; i++) {
		r = waitpid(pid, status, WNOHANG);
		if (r)
			return r;
		nanosleep(&pause, NULL);
	}
	show_proc(pid, "stat");
	show_proc(pid, "wchan");
	show_proc(pid, "stack");
	return 0;
}

/*
 * A child VMM whose vCPU spins in "jmp .", killed with SIGKILL while in
 * MINIVMM_RUN (it tells the parent just before entering; the pause lets
 * it get there).  The VM must be gone once the child is reaped.
 */
static void kill_spinning_vmm(struct __test_metadata *_metadata, int i)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	struct pollfd pfd;
	int p[2], status;
	struct guest g;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(p[0]);
		if (guest_open(&g) || guest_start(&g, GUEST_IMAGE(spin), GUEST_LONG64))
			_exit(1);
		if (write(p[1], "r", 1) != 1)
			_exit(1);
		guest_run(&g);
		_exit(2);
	}
	close(p[1]);
	c = 0;
	pfd.fd = p[0];
	pfd.events = POLLIN;
	/* A child that fails closes the pipe: read() returns 0. */
	if (poll(&pfd, 1, 10000) != 1) {
		TH_LOG("cycle %d: the child VMM is not ready after 10 s", i);
		show_proc(pid, "stack");
	} else if (read(p[0], &c, 1) != 1) {
		c = 0;
	}
	EXPECT_EQ('r', c) TH_LOG("cycle %d: the child VMM failed", i);
	close(p[0]);
	nanosleep(&pause, NULL);
	if (c)
		ASSERT_HW(MVM_HW_ON, "cycle %d, child VMM running", i);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, reap(pid, &status))
		TH_LOG("cycle %d: the child VMM is still there 10 s after SIGKILL", i);
	/* Killed in RUN, not returned from it nor failed before. */
	ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		TH_LOG("cycle %d: child status %#x", i, status);
	ASSERT_HW(MVM_HW_OFF, "cycle %d, child VMM killed", i);
}

/*
 * One cycle: load, a VM with the hardware on (or a VMM killed while its
 * guest runs), close, unload.
 */
static void load_use_unload(struct __test_metadata *_metadata, int i,
			    struct vmalloc_census *loaded, bool kill_vmm)
{
	int sys_fd, vm, r;

	r = load_module();
	ASSERT_EQ(0, r) TH_LOG("cycle %d: %s", i, load_error(r));
	if (kill_vmm)
		kill_spinning_vmm(_metadata, i);
	sys_fd = mvm_open_dev();
	ASSERT_LE(0, sys_fd) TH_LOG("cycle %d: %s: %s", i, MVM_DEV_PATH,
				    strerror(-sys_fd));
	vm = mvm_create_vm(sys_fd);
	ASSERT_LE(0, vm) TH_LOG("cycle %d: MINIVMM_CREATE_VM: %s", i, strerror(errno));
	ASSERT_HW(MVM_HW_ON, "cycle %d", i);
	ASSERT_EQ(0, close(vm));
	ASSERT_HW(MVM_HW_OFF, "cycle %d", i);
	ASSERT_EQ(0, close(sys_fd));
	if (loaded)
		ASSERT_EQ(0, vmalloc_census(loaded));
	ASSERT_EQ(0, delete_module("minivmm"))
		TH_LOG("cycle %d: delete_module: %s", i, strerror(errno));
	ASSERT_FALSE(module_loaded()) TH_LOG("cycle %d", i);
}

static void cycles(struct __test_metadata *_metadata, FIXTURE_DATA(module) *self,
		   bool kill_vmm)
{
	struct vmalloc_census base_vm, first_loaded, loaded, end_vm;
	struct mem_reading base, mid, end, more;
	long half1, half2, half3, s_half1, s_half2;
	int i;

	if (module_loaded())
		ASSERT_EQ(0, delete_module("minivmm"))
			TH_LOG("delete_module: %s", strerror(errno));

	/* The first loads may fill caches for good; measure after them. */
	for (i = 0; i < WARMUP_CYCLES; i++)
		load_use_unload(_metadata, -1 - i, NULL, kill_vmm);
	ASSERT_EQ(0, vmalloc_census(&base_vm));
	read_memory(_metadata, &base);

	for (i = 0; i < CYCLES; i++) {
		if (i == CYCLES / 2)
			read_memory(_metadata, &mid);
		load_use_unload(_metadata, i, &loaded, kill_vmm);
		/* With no VM open, every load holds the same vmalloc areas. */
		if (i == 0)
			first_loaded = loaded;
		EXPECT_EQ(first_loaded.ours, loaded.ours) TH_LOG("cycle %d", i);
		EXPECT_EQ(first_loaded.ours_bytes, loaded.ours_bytes)
			TH_LOG("cycle %d", i);
	}

	read_memory(_metadata, &end);
	ASSERT_EQ(0, vmalloc_census(&end_vm));
	TH_LOG("SUnreclaim %ld -> %ld kB, free %ld -> %ld kB over %d cycles",
	       base.sunreclaim_kb, end.sunreclaim_kb, base.free_kb, end.free_kb,
	       CYCLES);

	s_half1 = mid.sunreclaim_kb - base.sunreclaim_kb;
	s_half2 = end.sunreclaim_kb - mid.sunreclaim_kb;
	TH_LOG("unreclaimable slab grew by %ld kB, then %ld kB, over two halves of %d cycles",
	       s_half1, s_half2, CYCLES / 2);
	EXPECT_FALSE(s_half1 >= SLAB_HALF_BOUND_KB && s_half2 >= SLAB_HALF_BOUND_KB)
		TH_LOG("unreclaimable slab grew in both halves: a leak");
	half1 = base.free_kb - mid.free_kb;
	half2 = mid.free_kb - end.free_kb;
	TH_LOG("pages in use grew by %ld kB, then %ld kB, over two halves of %d cycles",
	       half1, half2, CYCLES / 2);
	half3 = 0;
	if (half1 + half2 >= PAGES_BOUND_KB) {
		for (i = 0; i < CYCLES / 2; i++)
			load_use_unload(_metadata, CYCLES + i, NULL, kill_vmm);
		read_memory(_metadata, &more);
		half3 = end.free_kb - more.free_kb;
		TH_LOG("past the bound; %d cycles more: %ld kB", CYCLES / 2, half3);
	}
	EXPECT_FALSE(half1 + half2 >= PAGES_BOUND_KB &&
		     half2 + half3 >= PAGES_BOUND_KB)
		TH_LOG("pages in use grew by %ld kB in %d cycles, and %ld kB in the %d after the first %d: a leak",
		       half1 + half2, CYCLES, half2 + half3, CYCLES, CYCLES / 2);
	if ((s_half1 >= SLAB_HALF_BOUND_KB && s_half2 >= SLAB_HALF_BOUND_KB) ||
	    half1 + half2 >= PAGES_BOUND_KB)
		meminfo_print_changes(&base.all, &end.all);
	EXPECT_EQ(0, end_vm.ours)
		TH_LOG("vmallocinfo names minivmm after its unload");
	EXPECT_GE(base_vm.orphans, end_vm.orphans)
		TH_LOG("%d vmalloc areas lost their caller (leaked by an unloaded module)",
		       end_vm.orphans - base_vm.orphans);

	ASSERT_EQ(0, mvm_kmsg_update(&self->kmsg));
	EXPECT_EQ(0, mvm_kmsg_count_bugs(&self->kmsg));

	ASSERT_EQ(0, load_module()) TH_LOG("cannot reload minivmm");
	ASSERT_HW(MVM_HW_OFF);
}

/*
 * In the rig's VMX machine (Bochs, the slow one) only the killed-VMM
 * cycles run: they load, turn VMX on, tear down and unload just as these
 * do, with a guest running on top, and these cycles' paths beyond that are
 * the vendor-neutral ones the SVM runs cover.  Elsewhere both run.
 */
TEST_F_TIMEOUT(module, load_unload_cycles, 600)
{
	if (mvm_on_rig() && mvm_cpuinfo_has("vmx") == 1)
		SKIP(return, "in the rig's VMX machine killed_vmm_cycles covers these paths");
	cycles(_metadata, self, false);
}

TEST_F_TIMEOUT(module, killed_vmm_cycles, 600)
{
	int r = guest_run_supported();

	if (r == -ENOTTY)
		SKIP(return, "MINIVMM_RUN: ENOTTY (no backend)");
	ASSERT_EQ(0, r) TH_LOG("MINIVMM_RUN probe: %s", strerror(-r));
	cycles(_metadata, self, true);
}

TEST_HARNESS_MAIN
