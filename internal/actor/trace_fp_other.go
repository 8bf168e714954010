//go:build !(amd64 || arm64) || purego

package actor

import "runtime"

// stackPCs fills pcs with the return addresses of the calling function
// and of its callers, innermost first, and returns how many it wrote.
// Without frame pointers to follow, runtime.Callers does it, slower.
//
//go:noinline
func stackPCs(pcs []uintptr) int {
	return runtime.Callers(2, pcs)
}
