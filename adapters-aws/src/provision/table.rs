//! Provisioning the DynamoDB table: created with every index when missing (on-demand billing),
//! checked for its indexes when present, awaited until active, and given its TTL attribute.

use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, IndexStatus, KeySchemaElement, KeyType,
    Projection, ProjectionType, ScalarAttributeType, TableDescription, TableStatus,
    TimeToLiveSpecification, TimeToLiveStatus,
};
use lightbox_ports::failure::BoxError;

use super::{ProvisionError, ProvisionReport, ResourceState};
use crate::config::dynamo_client;
use crate::dynamo::schema::{INDEXES, PK, SK, TTL};

/// How long to wait for a new table (and its indexes) to become active.
const ACTIVE_WAIT: Duration = Duration::from_secs(120);
/// Pause between two looks at the table's status.
const POLL: Duration = Duration::from_millis(500);

/// Creates `table` if missing, waits until it is active, and enables its TTL.
pub(super) async fn provision_table(
    sdk: &SdkConfig,
    table: &str,
    report: &mut ProvisionReport,
) -> Result<(), ProvisionError> {
    let failed = |source: BoxError| ProvisionError::Table {
        table: table.to_owned(),
        source,
    };
    let client = dynamo_client(sdk);
    let state = match describe(&client, table).await.map_err(failed)? {
        Some(description) => {
            check_indexes(table, &description)?;
            ResourceState::AlreadyPresent
        }
        None => create(&client, table).await.map_err(failed)?,
    };
    report.note(
        format!(
            "DynamoDB table {table} (with its {} indexes)",
            INDEXES.len()
        ),
        state,
    );
    wait_until_active(&client, table).await?;
    let ttl = enable_ttl(&client, table).await.map_err(failed)?;
    report.note(format!("TTL on {table}.{TTL}"), ttl);
    Ok(())
}

async fn describe(client: &Client, table: &str) -> Result<Option<TableDescription>, BoxError> {
    match client.describe_table().table_name(table).send().await {
        Ok(output) => Ok(output.table),
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|e| e.is_resource_not_found_exception()) =>
        {
            Ok(None)
        }
        Err(error) => Err(error.into()),
    }
}

fn check_indexes(table: &str, description: &TableDescription) -> Result<(), ProvisionError> {
    let present: Vec<&str> = description
        .global_secondary_indexes()
        .iter()
        .filter_map(|index| index.index_name())
        .collect();
    let missing: Vec<String> = INDEXES
        .iter()
        .map(|(name, ..)| *name)
        .filter(|name| !present.contains(name))
        .map(str::to_owned)
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ProvisionError::MissingIndexes {
            table: table.to_owned(),
            missing,
        })
    }
}

async fn create(client: &Client, table: &str) -> Result<ResourceState, BoxError> {
    let mut attributes = vec![PK, SK];
    for (_, partition, sort, _) in INDEXES {
        for name in [partition, sort] {
            if !attributes.contains(&name) {
                attributes.push(name);
            }
        }
    }
    let mut request = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key(PK, KeyType::Hash)?)
        .key_schema(key(SK, KeyType::Range)?);
    for name in attributes {
        request = request.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()?,
        );
    }
    for (name, partition, sort, everything) in INDEXES {
        let projection = if everything {
            ProjectionType::All
        } else {
            ProjectionType::KeysOnly
        };
        request = request.global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(name)
                .key_schema(key(partition, KeyType::Hash)?)
                .key_schema(key(sort, KeyType::Range)?)
                .projection(Projection::builder().projection_type(projection).build())
                .build()?,
        );
    }
    match request.send().await {
        Ok(_) => Ok(ResourceState::Created),
        // Another provisioning run created it meanwhile.
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|e| e.is_resource_in_use_exception()) =>
        {
            Ok(ResourceState::AlreadyPresent)
        }
        Err(error) => Err(error.into()),
    }
}

fn key(attribute: &str, kind: KeyType) -> Result<KeySchemaElement, BoxError> {
    Ok(KeySchemaElement::builder()
        .attribute_name(attribute)
        .key_type(kind)
        .build()?)
}

/// Polls until the table and all its indexes are active, for at most [`ACTIVE_WAIT`].
async fn wait_until_active(client: &Client, table: &str) -> Result<(), ProvisionError> {
    let started = Instant::now();
    loop {
        let description =
            describe(client, table)
                .await
                .map_err(|source| ProvisionError::Table {
                    table: table.to_owned(),
                    source,
                })?;
        let active = description.is_some_and(|description| {
            description.table_status() == Some(&TableStatus::Active)
                && description.global_secondary_indexes().iter().all(|index| {
                    index
                        .index_status()
                        .is_none_or(|s| s == &IndexStatus::Active)
                })
        });
        if active {
            return Ok(());
        }
        if started.elapsed() >= ACTIVE_WAIT {
            return Err(ProvisionError::NotActive {
                table: table.to_owned(),
                waited: started.elapsed(),
            });
        }
        tokio::time::sleep(POLL).await;
    }
}

async fn enable_ttl(client: &Client, table: &str) -> Result<ResourceState, BoxError> {
    let output = client
        .describe_time_to_live()
        .table_name(table)
        .send()
        .await?;
    let status = output
        .time_to_live_description()
        .and_then(|description| description.time_to_live_status());
    if matches!(
        status,
        Some(TimeToLiveStatus::Enabled | TimeToLiveStatus::Enabling)
    ) {
        return Ok(ResourceState::AlreadyPresent);
    }
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .attribute_name(TTL)
                .enabled(true)
                .build()?,
        )
        .send()
        .await?;
    Ok(ResourceState::Created)
}
