import { readFileSync } from "node:fs";

/** The state machine definition file, shared by the Terraform and the local stack. */
export const FAN_OUT_DEFINITION_FILE = new URL("./ingest-fan-out.asl.json", import.meta.url);

/** The placeholder the definition names the fan-out function by (Terraform templatefile syntax). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform templatefile syntax, not JS
export const FAN_OUT_FUNCTION_PLACEHOLDER = "${fan_out_function_arn}";

/** The definition with the fan-out function's ARN filled in, as the deployment does. */
export function fanOutDefinition(functionArn: string): Record<string, unknown> {
  const text = readFileSync(FAN_OUT_DEFINITION_FILE, "utf8");
  return JSON.parse(text.replaceAll(FAN_OUT_FUNCTION_PLACEHOLDER, functionArn)) as Record<
    string,
    unknown
  >;
}
