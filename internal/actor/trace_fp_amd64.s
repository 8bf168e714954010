#include "textflag.h"

// func framePointer() unsafe.Pointer
// NOFRAME: BP is still the caller's frame pointer.
TEXT ·framePointer(SB),NOSPLIT|NOFRAME,$0-8
	MOVQ BP, ret+0(FP)
	RET
