"""The RabbitMQ runtime every service uses: connection, confirmed publishing, the worker loop."""
