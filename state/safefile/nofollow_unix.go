//go:build unix

package safefile

import "syscall"

// oNoFollow refuses a symlink in the last element of the path. O_EXCL
// already does with O_CREAT; it is kept so the refusal does not hang on
// that one flag.
const oNoFollow = syscall.O_NOFOLLOW
