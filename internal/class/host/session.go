package host

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/otpgo/otpgo/internal/class"
)

// OpenSession loads the session of dir, or creates one (a new code and
// secret) when there is none or fresh is set. A fresh session moves the
// old log aside (events-<time>.log): old tokens then stop working.
func OpenSession(dir string, fresh bool, now time.Time) (s class.Session, created bool, err error) {
	p := filepath.Join(dir, class.SessionFile)
	if !fresh {
		if s, ok := class.ReadSession(dir); ok && s.Code != "" && s.Secret != "" {
			return s, false, nil
		}
		if _, err := os.Stat(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return class.Session{}, false, fmt.Errorf("read the class session: %w", err)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return class.Session{}, false, fmt.Errorf("create %s: %w", dir, err)
	}
	old := filepath.Join(dir, class.LogFile)
	if _, err := os.Stat(old); err == nil {
		if err := os.Rename(old, filepath.Join(dir, "events-"+now.Format("20060102-150405")+".log")); err != nil {
			return class.Session{}, false, fmt.Errorf("keep the previous class's log: %w", err)
		}
	}
	s = class.Session{ID: newSecret()[:12], Code: NewJoinCode(), Secret: newSecret(), Created: now}
	data, _ := json.MarshalIndent(s, "", "  ")
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return class.Session{}, false, fmt.Errorf("write the class session: %w", err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return class.Session{}, false, fmt.Errorf("write the class session: %w", err)
	}
	return s, true, nil
}
