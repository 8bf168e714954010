package actor

import (
	"errors"
	"fmt"
	"sync"
)

// The registry maps names to processes (Erlang's local name table). A
// process holds at most one name; the name is freed when it dies.
var registry = struct {
	sync.RWMutex
	names map[string]*Process
}{names: make(map[string]*Process)}

// Register gives pid the name (register/2). It returns an error wrapping
// ErrAlreadyRegistered if the name is taken or pid already has a name,
// and one wrapping NoProc if pid is dead. The name is freed when pid exits.
func Register(name string, pid PID) error {
	if name == "" {
		return errors.New("register: empty name: give the process a non-empty name")
	}
	p := pid.p
	if p == nil {
		return fmt.Errorf("register %q: zero pid: %w", name, NoProc)
	}
	registry.Lock()
	defer registry.Unlock()
	if other, ok := registry.names[name]; ok && !other.dead.Load() {
		return fmt.Errorf("register %q: name taken by %v: %w", name, other.Self(), ErrAlreadyRegistered)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dead.Load() {
		return fmt.Errorf("register %q: %v: %w", name, pid, NoProc)
	}
	if old := p.regName(); old != "" {
		return fmt.Errorf("register %q: %v is already registered as %q: %w", name, pid, old, ErrAlreadyRegistered)
	}
	p.x().name = name
	traceRegister(name, p)
	registry.names[name] = p
	return nil
}

// WhereIs returns the pid registered under name (whereis/1).
func WhereIs(name string) (PID, bool) {
	registry.RLock()
	p, ok := registry.names[name]
	registry.RUnlock()
	if !ok || p.dead.Load() {
		return PID{}, false
	}
	return p.Self(), true
}

// Unregister frees name (unregister/1). It is a no-op if name is not
// registered.
func Unregister(name string) {
	registry.Lock()
	p, ok := registry.names[name]
	delete(registry.names, name)
	registry.Unlock()
	if ok {
		p.mu.Lock()
		if p.regName() == name {
			p.ext.name = ""
		}
		p.mu.Unlock()
	}
}

// unregisterProcess frees name if it still belongs to p (p has died).
func unregisterProcess(name string, p *Process) {
	registry.Lock()
	if registry.names[name] == p {
		delete(registry.names, name)
	}
	registry.Unlock()
}
