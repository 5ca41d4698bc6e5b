package main

import "context"

func runHealthcheck(ctx context.Context, e env, args []string) error {
	return usagef("healthcheck: not built yet")
}
