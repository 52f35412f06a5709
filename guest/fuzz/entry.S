/* enter_case / case_exit: switch between the runner's C world and a case's register state.
 * Reserved during a case: s0 (x8) = S0_ADDR and sp (x2) = SP_ADDR; every other register is
 * loaded from the IN record and stored to the OUT record. */
#include "layout.h"

	.text
	.globl enter_case
	.type enter_case, @function
/* void enter_case(void): runs the code at CODE_ADDR with the state in IN; returns after
 * case_exit has saved the final state in OUT. */
enter_case:
	li t1, S0_ADDR
	sd ra,  SAVE_OFF+0*8(t1)
	sd sp,  SAVE_OFF+1*8(t1)
	sd gp,  SAVE_OFF+2*8(t1)
	sd tp,  SAVE_OFF+3*8(t1)
	sd s0,  SAVE_OFF+4*8(t1)
	sd s1,  SAVE_OFF+5*8(t1)
	sd s2,  SAVE_OFF+6*8(t1)
	sd s3,  SAVE_OFF+7*8(t1)
	sd s4,  SAVE_OFF+8*8(t1)
	sd s5,  SAVE_OFF+9*8(t1)
	sd s6,  SAVE_OFF+10*8(t1)
	sd s7,  SAVE_OFF+11*8(t1)
	sd s8,  SAVE_OFF+12*8(t1)
	sd s9,  SAVE_OFF+13*8(t1)
	sd s10, SAVE_OFF+14*8(t1)
	sd s11, SAVE_OFF+15*8(t1)
	la t2, case_exit
	sd t2,  SAVE_OFF+SAVE_EXIT*8(t1)
	mv s0, t1
	/* FP registers and fcsr */
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fld f\n, IN_OFF+(32+\n)*8(s0)
	.endr
	ld t1, IN_OFF+SLOT_FCSR*8(s0)
	fscsr t1
	/* integer registers except sp, s0 (reserved) and t0 (loaded by the code's first word) */
	.irp n, 1,3,4,6,7,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld x\n, IN_OFF+\n*8(s0)
	.endr
	li sp, SP_ADDR
	li t0, CODE_ADDR
	jr t0
	.size enter_case, .-enter_case

/* Reached by "ld t0, exit(s0); jr t0" after the case stored t0 itself. */
	.type case_exit, @function
case_exit:
	.irp n, 1,2,3,4,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd x\n, OUT_OFF+\n*8(s0)
	.endr
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fsd f\n, OUT_OFF+(32+\n)*8(s0)
	.endr
	frcsr t1
	sd t1, OUT_OFF+SLOT_FCSR*8(s0)
	fscsr zero
	ld ra,  SAVE_OFF+0*8(s0)
	ld sp,  SAVE_OFF+1*8(s0)
	ld gp,  SAVE_OFF+2*8(s0)
	ld tp,  SAVE_OFF+3*8(s0)
	ld s1,  SAVE_OFF+5*8(s0)
	ld s2,  SAVE_OFF+6*8(s0)
	ld s3,  SAVE_OFF+7*8(s0)
	ld s4,  SAVE_OFF+8*8(s0)
	ld s5,  SAVE_OFF+9*8(s0)
	ld s6,  SAVE_OFF+10*8(s0)
	ld s7,  SAVE_OFF+11*8(s0)
	ld s8,  SAVE_OFF+12*8(s0)
	ld s9,  SAVE_OFF+13*8(s0)
	ld s10, SAVE_OFF+14*8(s0)
	ld s11, SAVE_OFF+15*8(s0)
	ld s0,  SAVE_OFF+4*8(s0)
	ret
	.size case_exit, .-case_exit
