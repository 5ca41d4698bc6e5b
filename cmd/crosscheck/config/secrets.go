package config

import (
	"errors"
	"strings"

	"github.com/crosscheck-news/crosscheck/bot"
)

// SecretsFromEnv reads Slack's secrets through getenv (os.Getenv, or a map
// lookup in tests), from the variables bot.EnvBotToken, bot.EnvAppToken and
// bot.EnvSigningSecret name: never from the file, which is mounted, copied
// and committed. Surrounding whitespace, a common copy-paste accident, is
// dropped.
func SecretsFromEnv(getenv func(string) string) bot.Secrets {
	return bot.Secrets{
		BotToken:      strings.TrimSpace(getenv(bot.EnvBotToken)),
		AppToken:      strings.TrimSpace(getenv(bot.EnvAppToken)),
		SigningSecret: strings.TrimSpace(getenv(bot.EnvSigningSecret)),
	}
}

// CheckSecrets is bot.Secrets.Check as an *Error naming the variable, so
// the command line exits 2 on it like on any other setting.
func CheckSecrets(s bot.Secrets, mode string) error {
	err := s.Check(mode)
	var se *bot.SecretError
	if errors.As(err, &se) {
		return &Error{Field: se.Variable, Err: se.Err}
	}
	return err
}
