"""The job system (platform): RQ queues and their enqueueing with in-process fallback (`queue`), the worker
that runs jobs inside the app (`worker`), the cron process that enqueues periodic jobs (`cron`) from the
schedule declared as data (`schedules`). Domains hand their job functions to it; it imports no domain but
those named in the schedule."""
