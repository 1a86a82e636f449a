"""The programs app's writes, by area: `programmes` (programmes, cohorts, phases, quotas,
rubrics), `nominations`, `reviews`, `selection`, `sessions` and `alumni`. Import the module
you need; nothing is re-exported here, so each area keeps one writer."""
