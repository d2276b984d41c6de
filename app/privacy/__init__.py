"""Privacy rights: right of access, anonymisation, retention settings and job."""
