package main

import "context"

func runFeeds(ctx context.Context, e env, args []string) error {
	return usagef("feeds: not built yet")
}
