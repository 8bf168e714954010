//go:build (amd64 || arm64) && !purego

package actor

import "unsafe"

// framePointer returns its caller's frame pointer (assembly).
func framePointer() unsafe.Pointer

// stackPCs fills pcs with the return addresses of the calling function
// and of its callers, innermost first, and returns how many it wrote.
// It follows the frame pointers Go keeps on amd64 and arm64, as the
// runtime's execution tracer does (runtime.fpTracebackPCs): a few loads
// instead of runtime.Callers' unwinder, which would cost a traced
// receive more than the receive itself. The PCs are physical frames;
// runtime.CallersFrames expands the inlined ones.
//
//go:nosplit
//go:noinline
func stackPCs(pcs []uintptr) int {
	fp := framePointer()
	n := 0
	for n < len(pcs) && fp != nil {
		pcs[n] = *(*uintptr)(unsafe.Add(fp, unsafe.Sizeof(uintptr(0))))
		n++
		next := *(*unsafe.Pointer)(fp)
		if uintptr(next) <= uintptr(fp) { // callers' frames lie above; anything else ends the chain
			break
		}
		fp = next
	}
	return n
}
