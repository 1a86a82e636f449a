"""The stakeholder map of one initiative: profiles (power, interest, salience, consent,
engagement), relationships, the engagement log, network analysis, imports and exports. Who the
stakeholders are comes from the directory."""
