"""Shared measurement for collective impact (issue 14): results and indicators, partners'
reporting, and honest progress.

Built in steps. The first is the pure core, modules with no database that the app's selectors
and commands will call: `aggregation` (sums of numerators and denominators, never averages of
percentages), `intervals` (Wilson, Garwood, given standard errors), `progress` (the UN ESCAP
progress assessment), `curves` (has the curve turned?) and `suppression` (small numbers and
complementary suppression).
"""
