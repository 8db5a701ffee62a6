"""For curators: what people asked (report.py, `rolebot report`) and the new examples it
suggests (suggest.py, `rolebot suggest`)."""
