// Package ops is what an operator sees of a running Crosscheck: Prometheus
// metrics on a registry of their own, and the /healthz, /readyz and /metrics
// endpoints on the configured listen address.
//
// A *Metrics is passed down to the packages that do the work; every method
// is safe on a nil *Metrics, so those packages run unchanged (in tests, in
// `crosscheck poll`) without one. The handler built by NewHandler is a plain
// *http.ServeMux so the Slack HTTP-mode endpoints and the backup endpoint
// can be mounted beside the operational ones.
package ops
