"""For curators: what people asked (report.py, `rolebot report`; page.py, the same as a page
with charts, `rolebot report --html`) and the new examples it suggests (suggest.py, `rolebot
suggest`)."""
