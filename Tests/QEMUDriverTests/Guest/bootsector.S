# A boot sector that plays a guest OS for the lifecycle tests, under SeaBIOS on a pc
# (i440fx/PIIX4) machine: no kernel is needed to power off, reset or panic.
#
# - It enables the ACPI power button event of the PIIX4 power management block and, when
#   the button is pressed (system_powerdown), powers the machine off (SLP_TYP 0, SLP_EN):
#   QEMU reports SHUTDOWN, reason guest-shutdown.
# - It reads commands from the first serial port (COM1):
#     '1' powers off, '2' resets through the keyboard controller (0xFE to port 0x64),
#     '3' reports a panic to the pvpanic device (1 to port 0x505).
# - It prints "OK\r\n" on COM1 once it polls (after every reset too).
#
# Built by the tests: as --32 bootsector.S; ld -m elf_i386 -Ttext 0x7c00 --oformat binary.
    .code16
    .globl _start
_start:
    cli
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %ss
    mov $0x7c00, %sp
    # The PM base of the PIIX4 (bus 0, device 1, function 3, register 0x40).
    mov $0x80000b40, %eax
    mov $0xcf8, %dx
    outl %eax, %dx
    mov $0xcfc, %dx
    inl %dx, %eax
    and $0xffc0, %ax
    mov %ax, %bx
    # PM1_EN (base + 2): the power button event.
    mov %bx, %dx
    add $2, %dx
    mov $0x0100, %ax
    outw %ax, %dx
    # "OK\r\n" on COM1.
    mov $message, %si
print:
    lodsb
    test %al, %al
    jz poll
    mov %al, %cl
wait_transmit:
    mov $0x3fd, %dx
    inb %dx, %al
    test $0x20, %al
    jz wait_transmit
    mov $0x3f8, %dx
    mov %cl, %al
    outb %al, %dx
    jmp print
poll:
    # PM1_STS (base + 0), bit 8: the power button was pressed.
    mov %bx, %dx
    inw %dx, %ax
    test $0x0100, %ax
    jnz power_off
    # COM1's line status: a byte has come.
    mov $0x3fd, %dx
    inb %dx, %al
    test $0x01, %al
    jz poll
    mov $0x3f8, %dx
    inb %dx, %al
    cmp $'1', %al
    je power_off
    cmp $'2', %al
    je reset
    cmp $'3', %al
    je panic
    jmp poll
power_off:
    # PM1_CNT (base + 4): SLP_TYP 0 (soft off) with SLP_EN.
    mov %bx, %dx
    add $4, %dx
    mov $0x2000, %ax
    outw %ax, %dx
    # Asking once is enough (a real kernel does not ask again either): wait to be reset.
halt:
    hlt
    jmp halt
reset:
    mov $0xfe, %al
    outb %al, $0x64
    jmp poll
panic:
    mov $0x505, %dx
    mov $1, %al
    outb %al, %dx
    jmp halt
message:
    .asciz "OK\r\n"
    .org 510
    .byte 0x55, 0xaa
