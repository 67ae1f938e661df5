-- A janitor round calls S3 inside its transaction (one page of deletes, each retried with backoff): on a slow S3 it
-- sits idle in the transaction between statements for longer than the export API pool's 60 s allow, and the server
-- would end the session, and with it every round, forever. A round gets ten minutes; its locks are its own advisory
-- lock and the rows of its batch, which nothing interactive waits for.
SET LOCAL idle_in_transaction_session_timeout = '10min'
