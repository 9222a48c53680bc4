"""Evidence documents: a provider's library of policies, certificates and other evidence."""
