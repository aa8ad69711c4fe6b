"""The calendar (DESIGN §4): what is due, claimed once, sent as one digest per recipient.

**What is due.** Every date is a Shanghai calendar day (`local_today`; a day starts at 16:00 UTC
the day before). A *slot* is a responsibility that owes a report in a period: the period belongs
to a published document and is not locked, the assignment is tracked in it (`active_until` empty
or on/after the quarter's first day), the unit is active, and its report is missing or still a
draft (submitted, returned and approved reports count as submitted).

- Before the due date, a missing slot gets the latest milestone it has reached, once per period:
  window open (`opens_on`), 7, 3 and 1 days before `due_on`, the due day. A milestone missed
  while the machine was off is sent late unless a later one has been reached since (nobody wants
  "7 days left" on the day before the deadline).
- Overdue (1 to TRACKER_REMINDER_OVERDUE_MAX_DAYS days past `due_on`): one chaser a day.
- TRACKER_REMINDER_ESCALATE_LEAD_DAYS (3) days overdue: a co-unit's missing report goes to the
  contacts of the assignment's lead unit(s); the lead unit's own missing report skips that rung,
  as on the problem ladder, and goes to the supervisors.
- TRACKER_REMINDER_ESCALATE_SUPERVISOR_DAYS (6) days overdue (a lead unit's: 3): to the
  supervisors, and one automatic 督办 SupervisionAction per (unit, period, responsibility).
- Dispatch checkpoints (一季两调度): on `first_checkpoint_on` (until the second), and on
  `second_checkpoint_on` (plus TRACKER_REMINDER_CATCH_UP_DAYS), each lead unit gets the
  assignments it leads with their indicators' colours, whatever its report's state.
- Problems: the sweep runs the ladder (`problems_escalate_due`) and tells the level a problem
  has reached: the lead unit's contacts (牵头部门) or the supervisors (分管领导, through 督查).
- A returned report: its submitter, or the unit's contacts when the submitter has no address.

Day-bound notices (all of the above but problems and returned reports) are claimed once a day:
by the first sweep at or after TRACKER_REMINDER_SEND_FROM (08:30, the daily digest), which
records a `ReminderDay`; a sweep that fails leaves none, so the next one catches up, and a
machine off at 08:30 sends the day's notices when it comes back. Nobody is mailed at midnight,
and a province's 200,000 slots are read once a day rather than every ten minutes. Problems and
returned reports go on the next sweep at any hour.

**Who.** A unit's recipients are its active `UnitContact` addresses and its active users with an
e-mail; supervisors are active users with the supervisor role and an e-mail. Window-open notices,
the reminders before the due date and the checkpoints can be turned off (`NoticeChoices`); the
rest are mandatory and have no switch.

**Claiming.** The claim key is (recipient, item_key, period, kind) — see `ReminderLog`. One SQL
statement selects every (recipient, item) due and not yet logged and inserts it with
`ON CONFLICT DO NOTHING`, tagged with the sweep's token; a second statement makes one
`ReminderDigest` per recipient of that token. So a sweep runs the same dozen queries whether
10 or 200,000 slots are due (DESIGN §8), and the preview (`reminders_due`) runs the very SELECT
the sweep inserts from. Sweeps are serialised (a PostgreSQL advisory lock; SQLite's write lock), and
the unique key guards a race anyway: two beats at once claim each notice exactly once.

**Sending**: a digest is queued after the claim commits; a digest unsent
TRACKER_REMINDER_RECLAIM_SECONDS after it was due to start, and not held by a live sender, is
queued again by the next sweep.

The package, one job a module:

- `rules`: the calendar's rules as pure Python (which milestone a day has reached, the
  checkpoints, the overdue ladder's rungs, the daily send time); under the purity contract.
- `due`: what is due at an instant, as the item queries of a selection.
- `sql`: the hand-written SQL: recipients, the SELECT of every notice due and not yet logged
  (which the sweep inserts its claims from and the preview reads), the claim inserts.
- `sweep`: one run of the calendar (claims, digests, the reclaim of stalled ones, the automatic
  督办).
- `digest` and `send`: one digest's e-mail, and its delivery under a lease with retries.
- `preferences`: who wants which optional notices, and a unit's contact addresses.
- `preview`: what the next sweep would send, read without writing.
"""
