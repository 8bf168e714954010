package actor

// Register gives pid the name (register/2). It returns an error wrapping
// ErrAlreadyRegistered if the name is taken or pid already has a name,
// and one wrapping NoProc if pid is dead. The name is freed when pid exits.
func Register(name string, pid PID) error { panic(notYet) }

// WhereIs returns the pid registered under name (whereis/1).
func WhereIs(name string) (PID, bool) { panic(notYet) }

// Unregister frees name (unregister/1). It is a no-op if name is not
// registered.
func Unregister(name string) { panic(notYet) }
