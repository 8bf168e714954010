//go:build !unix && !windows

package progress

import "os"

// lockFile is a no-op where there is no file locking (wasm, plan9): one
// otpgo at a time there.
func lockFile(*os.File) error { return nil }

func unlockFile(*os.File) error { return nil }

func tryLockFile(*os.File) (bool, error) { return true, nil }
