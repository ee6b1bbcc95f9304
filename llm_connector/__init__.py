"""llm_connector: turns a GroundedPrompt into a cited QueryResult with Amazon Bedrock or extractively."""
