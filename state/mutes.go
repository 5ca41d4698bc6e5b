package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Mutes and feedback are how editors talk back. A mute silences alerts
// for a topic or one conflict until a time; "not a contradiction" feedback
// dismisses a conflict and is kept as a record of the bot's false alarms.
var (
	bucketMutes    = []byte("mutes")
	bucketFeedback = []byte("feedback")
)

// ErrBadMute is wrapped when a mute has no target or ends in the past.
var ErrBadMute = errors.New("state: bad mute")

// Mute silences alerts whose conflict ID is Target, whose topic key is
// Target, or whose topic starts with Target's parts ("north korean
// soldiers" mutes every measure and place of that subject;
// "north korean soldiers | killed" every place), until Until. Claims and
// conflicts are still recorded while muted.
type Mute struct {
	Target  string    `json:"target"`
	Until   time.Time `json:"until"`
	Created time.Time `json:"created"`
}

// NormalizeTarget folds a mute target the way topics are written: lower
// case, single spaces, " | " between parts.
func NormalizeTarget(target string) string {
	parts := strings.Split(strings.ToLower(target), "|")
	for i, p := range parts {
		parts[i] = strings.Join(strings.Fields(p), " ")
	}
	return strings.Join(parts, " | ")
}

func (m Mute) matches(conflictID, topic string) bool {
	if m.Target == conflictID {
		return true
	}
	topic = NormalizeTarget(topic)
	return topic == m.Target || strings.HasPrefix(topic, m.Target+" |")
}

// Mute silences alerts for target (a topic or a conflict ID) until until,
// replacing any mute on the same target.
func (s *Store) Mute(ctx context.Context, target string, until time.Time) error {
	target = NormalizeTarget(target)
	now := s.now()
	switch {
	case target == "" || strings.Trim(target, " |") == "":
		return fmt.Errorf("state: mute: %w: empty target", ErrBadMute)
	case !until.After(now):
		return fmt.Errorf("state: mute %s: %w: until %s is not in the future", target, ErrBadMute, until.Format(time.RFC3339))
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("state: mute %s: %w", target, err)
	}
	v, err := json.Marshal(Mute{Target: target, Until: until, Created: now})
	if err != nil {
		return fmt.Errorf("state: mute %s: %w", target, err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketMutes)
		if err != nil {
			return err
		}
		return b.Put([]byte(target), v)
	})
	if err != nil {
		return fmt.Errorf("state: mute %s: %w", target, err)
	}
	return nil
}

// Unmute lifts the mute on target; false if there was none.
func (s *Store) Unmute(ctx context.Context, target string) (bool, error) {
	target = NormalizeTarget(target)
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("state: unmute %s: %w", target, err)
	}
	found := false
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMutes)
		if b == nil || b.Get([]byte(target)) == nil {
			return nil
		}
		found = true
		return b.Delete([]byte(target))
	})
	if err != nil {
		return false, fmt.Errorf("state: unmute %s: %w", target, err)
	}
	return found, nil
}

// Muted reports whether alerts for target are silenced at now. target is a
// conflict ID or a topic key; a conflict is also muted through its topic,
// so pass both via MutedConflict when you have the conflict.
func (s *Store) Muted(ctx context.Context, target string, now time.Time) (bool, error) {
	return s.MutedConflict(ctx, target, target, now)
}

// MutedConflict reports whether a conflict is silenced at now, by its ID or
// by its topic.
func (s *Store) MutedConflict(ctx context.Context, conflictID, topic string, now time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("state: muted %s: %w", conflictID, err)
	}
	var muted bool
	err := s.db.View(func(tx *bolt.Tx) error {
		ms, err := activeMutesTx(tx, now)
		muted = mutedBy(ms, NormalizeTarget(conflictID), topic)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("state: muted %s: %w", conflictID, err)
	}
	return muted, nil
}

// Mutes lists the mutes in force at now, soonest to end first.
func (s *Store) Mutes(ctx context.Context, now time.Time) ([]Mute, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("state: mutes: %w", err)
	}
	var ms []Mute
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		ms, err = activeMutesTx(tx, now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("state: mutes: %w", err)
	}
	slices.SortFunc(ms, func(a, b Mute) int { return a.Until.Compare(b.Until) })
	return ms, nil
}

// activeMutesTx reads the mutes in force. Expired ones are left for the
// next Mute or Unmute of their target to overwrite; they are few.
func activeMutesTx(tx *bolt.Tx, now time.Time) ([]Mute, error) {
	b := tx.Bucket(bucketMutes)
	if b == nil {
		return nil, nil
	}
	var out []Mute
	err := b.ForEach(func(k, v []byte) error {
		var m Mute
		if err := json.Unmarshal(v, &m); err != nil {
			return fmt.Errorf("mute %q: %w", k, err)
		}
		if m.Until.After(now) {
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

func mutedBy(ms []Mute, conflictID, topic string) bool {
	for _, m := range ms {
		if m.matches(conflictID, topic) {
			return true
		}
	}
	return false
}

// VerdictNotAContradiction is the feedback of the "Not a contradiction"
// button.
const VerdictNotAContradiction = "not a contradiction"

// Feedback is an editor's judgement of an alert, kept to measure and tune
// the bot's precision.
type Feedback struct {
	ConflictID string    `json:"conflict_id"`
	Topic      string    `json:"topic"`
	Claimants  [2]string `json:"claimants"`
	Verdict    string    `json:"verdict"`
	// Reason is the rule that fired, as it stood when the editor judged.
	Reason string    `json:"reason"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

func putFeedbackTx(tx *bolt.Tx, fb Feedback) error {
	b, err := tx.CreateBucketIfNotExists(bucketFeedback)
	if err != nil {
		return err
	}
	v, err := json.Marshal(fb)
	if err != nil {
		return err
	}
	return b.Put([]byte(fb.ConflictID), v)
}

// Feedbacks returns every stored feedback, newest first.
func (s *Store) Feedbacks(ctx context.Context) ([]Feedback, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("state: feedback: %w", err)
	}
	var out []Feedback
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFeedback)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var fb Feedback
			if err := json.Unmarshal(v, &fb); err != nil {
				return fmt.Errorf("feedback %q: %w", k, err)
			}
			out = append(out, fb)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("state: feedback: %w", err)
	}
	slices.SortFunc(out, func(a, b Feedback) int { return b.At.Compare(a.At) })
	return out, nil
}
