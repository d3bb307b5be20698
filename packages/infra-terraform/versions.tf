terraform {
  required_version = ">= 1.9.0, < 2.0.0"

  required_providers {
    # 6.19.0 is the first release that accepts runtime nodejs24.x (test/provider-values.ts lists
    # what needs which release); 7.x is a new major whose schema nobody checked.
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.19.0, < 7.0.0"
    }
  }
}
