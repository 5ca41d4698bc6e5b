//go:build race

package state

// raceDetector says the race detector slows this build several times over,
// so wall-clock bounds do not hold.
const raceDetector = true
