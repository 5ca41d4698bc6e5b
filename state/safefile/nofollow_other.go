//go:build !unix

package safefile

// oNoFollow: the system has no O_NOFOLLOW; O_EXCL with O_CREAT still
// refuses an existing name, symlink or not.
const oNoFollow = 0
