"""A small valid scenario as YAML text, for tests that mutate it line by line."""

BASE = """\
name: Tiny team
currency: EUR
seed: 7
calendar:
  start: 2027-01-04
  horizon_days: 40
  warmup_days: 5
  workday: {start: "09:00", hours: 8, lunch_min: 60, breaks_min: 30}
personas:
  steady: {duration_x: 1.0, conversion_x: 1.0}
  slow: {duration_x: 1.4, conversion_x: 0.8}
roles:
  head:
    level: middle
    headcount: 1
    monthly_cost: 9000
  lead:
    level: lower
    headcount: {current: 1, min: 1, max: 3}
    reports_to: head
    deputy: head
    max_span: 8
    monthly_cost: 6000
  seller:
    level: line
    headcount: {current: 5, min: 2, max: 12}
    reports_to: lead
    deputy: seller
    monthly_cost: 4000
    personas: {steady: 0.6, slow: 0.4}
    absence: {vacation_days: 20, sick_days: 6}
channels:
  warm_list:
    kind: warm
    pool: 500
    connect_rate: 0.3
  cold_list:
    kind: cold
    connect_rate: 0.06
  web:
    kind: inbound
    requests_per_day: 5
    handle_min: {kind: exponential, mean: 6}
    answer_within_min: 60
calls:
  conversation_min: {kind: lognormal, mean: 3, sd: 1.5}
  booking_call_min: 6
segments:
  loan:
    type: b2c_long
    deal_value: 5000
    channels: [warm_list, cold_list]
    stages:
      - {name: consult, work_min: 20, convert: 0.5}
      - {name: meet, work_min: 45, meeting: true, client_delay_days: 2, convert: 0.5}
      - {name: sign, work_min: 30, approval: lower, convert: 0.9}
duties:
  report: {levels: [line, lower], minutes: 15, per: head_per_day}
  coaching: {levels: [lower], minutes: 60, per: report_per_week}
  approval: {levels: [lower, middle], minutes: 10, per: approval}
  planning: {levels: [middle], minutes: 300, per: head_per_week}
plan:
  revenue_per_month: 100000
policies:
  call_quota_per_day: 30
  max_calls_per_day: 60
"""
