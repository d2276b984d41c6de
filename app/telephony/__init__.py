"""The 3975's phone calls: events from the phone system (Zammad's generic CTI), the caller log, the panel."""
