"""The marks of what ``compile new --from`` pre-fills in section 五, shared with the completeness check
that catches a reminder left unchanged."""

PREVIOUS_PROBLEMS_HEADING = "上一年度问题整改情况"
REMINDER_MARK = "【上年所列问题，请改写为整改情况】"
