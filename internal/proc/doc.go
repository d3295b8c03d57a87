// Package proc runs child processes so that cancelling them ends every
// process they started.
package proc

import "time"

// waitDelay bounds how long Wait waits for output pipes after the process
// was killed.
const waitDelay = 2 * time.Second
