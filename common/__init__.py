"""What the services share: message models, queue topology, the RabbitMQ runtime, settings, logging."""
