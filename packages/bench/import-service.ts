// Import-time breakdown: the SDK-only baseline plus the movies service built as every function
// builds it at cold start (three ElectroDB entities in one service). Built like the function zips.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { moviesService } from "../adapters-lambda/src/store/movies-service.ts";

const service = moviesService(new DynamoDBClient({}), process.env["MOVIES_TABLE"] ?? "movies");

export const handler = async (): Promise<string> => Object.keys(service.entities).join();
