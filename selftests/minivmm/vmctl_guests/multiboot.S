/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A Multiboot (v1) ELF32 kernel for "vmctl run", linked at 1 MiB.  It
 * checks the machine state of Multiboot 0.6.96 section 3.2 and the boot
 * information of 3.3 as a kernel would use them, and prints them:
 *
 *   vmctl multiboot guest: ok
 *   cmdline: <the image path> <--cmdline>
 *   module: <the first module's bytes>
 *   fw_cfg: QEMU
 *
 * then writes 0x10 to the debug-exit port (vmctl exits 33).  Any check
 * that fails prints "FAIL <what>" and writes 1 (vmctl exits 3).
 */
#define MB_MAGIC	0x1BADB002
#define MB_FLAGS	0x00000003	/* modules page aligned, memory info */

	.section .multiboot, "a"
	.align	4
	.long	MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	.code32
	.text
	.globl _start
_start:
	mov	$stack_top, %esp
	mov	$m_magic, %edi
	cmp	$0x2BADB002, %eax
	jne	fail
	mov	%ebx, %ebp		/* the boot information */

	mov	$m_ok, %esi
	call	puts

	mov	$m_flags, %edi
	mov	(%ebp), %eax
	and	$0x24d, %eax		/* mem, cmdline, mods, mmap, name */
	cmp	$0x24d, %eax
	jne	fail
	/* vmctl gives all 640 KiB; GRUB and QEMU leave out the EBDA. */
	mov	$m_mem, %edi
	cmpl	$640, 4(%ebp)		/* mem_lower */
	ja	fail
	cmpl	$512, 4(%ebp)
	jb	fail

	mov	$m_cmdline, %esi
	call	puts
	mov	16(%ebp), %esi
	call	puts
	mov	$m_nl, %esi
	call	puts

	mov	$m_mods, %edi
	cmpl	$1, 20(%ebp)		/* mods_count */
	jne	fail
	mov	24(%ebp), %ebx		/* mods_addr */
	testl	$0xfff, (%ebx)		/* page aligned */
	jnz	fail
	mov	$m_module, %esi
	call	puts
	mov	(%ebx), %esi		/* mod_start */
	mov	4(%ebx), %ecx		/* mod_end */
1:	cmp	%ecx, %esi
	jae	2f
	lodsb
	call	putc
	jmp	1b
2:	mov	$m_nl, %esi
	call	puts

	/* fw_cfg: select the signature, read it back byte by byte. */
	mov	$m_fwcfg_bad, %edi
	mov	$0x510, %dx
	xor	%ax, %ax
	out	%ax, %dx
	mov	$0x511, %dx
	xor	%ebx, %ebx
	mov	$4, %ecx
3:	in	%dx, %al
	shl	$8, %ebx
	mov	%al, %bl
	loop	3b
	cmp	$0x51454d55, %ebx	/* 'Q' 'E' 'M' 'U', first in the top */
	jne	fail
	mov	$m_fwcfg, %esi
	call	puts

	mov	$0x10, %al
	out	%al, $0xf4
halt:	hlt
	jmp	halt

/* Print "FAIL " and the string at EDI, then exit with status 3. */
fail:
	mov	$m_fail, %esi
	call	puts
	mov	%edi, %esi
	call	puts
	mov	$1, %al
	out	%al, $0xf4
	jmp	halt

/* Print the NUL-terminated string at ESI on COM1. */
puts:
	lodsb
	test	%al, %al
	jz	1f
	call	putc
	jmp	puts
1:	ret

/* Print AL on COM1 once the transmitter is empty; keeps every register. */
putc:
	push	%edx
	push	%eax
	mov	$0x3fd, %dx
1:	in	%dx, %al
	test	$0x20, %al
	jz	1b
	pop	%eax
	mov	$0x3f8, %dx
	out	%al, %dx
	pop	%edx
	ret

	.section .rodata
m_ok:		.asciz	"vmctl multiboot guest: ok\n"
m_cmdline:	.asciz	"cmdline: "
m_module:	.asciz	"module: "
m_fwcfg:	.asciz	"fw_cfg: QEMU\n"
m_nl:		.asciz	"\n"
m_fail:		.asciz	"FAIL "
m_magic:	.asciz	"EAX is not 0x2BADB002\n"
m_flags:	.asciz	"boot information flags\n"
m_mem:		.asciz	"mem_lower is not 512-640 KiB\n"
m_mods:		.asciz	"modules\n"
m_fwcfg_bad:	.asciz	"fw_cfg signature\n"

	.bss
	.align	16
	.space	4096
stack_top:
