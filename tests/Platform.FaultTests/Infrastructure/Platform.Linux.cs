// The servers these tests start (PostgreSQL as the postgres user, RabbitMQ, SIGKILL) are the Debian machine's.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
