"""Card-number safety (platform): the one detector (`detector`), the storage guard on the engine and the
masking of what the app renders and answers (`guard`), and the masking of every log record (`logmasking`).
The operators' scans of the database and the logs are privacy's commands (`app.privacy.cardscan`,
`app.privacy.logscan`)."""
