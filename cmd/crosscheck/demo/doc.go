// Package demo is `crosscheck demo`: the whole pipeline run on built-in
// sample feeds. Three invented outlets publish the Kursk dispute (and a
// flood death toll dispute, and stories that only look contradictory) in
// their own words; a loopback server owned by the demo reveals them step by
// step over simulated time, in three feed formats (RSS, Atom, JSON Feed) so
// the parser is exercised as it is in production. The stories live in
// sample/stories.json, built into the binary.
package demo
